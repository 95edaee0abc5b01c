/** Minimal glob matching for suppression `file` patterns (`**`, `*`, `?`). */
export function minimatch(path: string, pattern: string): boolean {
  const norm = path.replace(/\\/g, '/');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(norm) || new RegExp(`(^|/)${re}$`).test(norm);
}
