/**
 * Escaping for GitHub workflow commands (`::error file=…::message`). Data and properties
 * differ (properties also escape ':' and ','); data is first put on one line with control
 * characters made visible, so a value can neither end the command nor start another.
 */
import { oneLine } from '../model/text.js';

export const escData = (s: string): string => oneLine(s).replace(/%/g, '%25');
export const escProp = (s: string): string => escData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
