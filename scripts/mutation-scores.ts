/**
 * Mutation score per src/ folder from a Stryker JSON report (mutation-testing-report-schema):
 * detected = killed + timeout; score = detected / (detected + survived + no coverage), as Stryker
 * computes it; compile errors (the TypeScript checker's rejects) and ignored mutants are not valid.
 */
interface Report { files: Record<string, { mutants: Array<{ status: string }> }> }

const COUNTED = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'RuntimeError', 'Ignored'] as const;

export function folderScores(report: Report): Map<string, Record<string, number>> {
  const folders = new Map<string, Record<string, number>>();
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const folder = file.replace(/\\/g, '/').match(/(?:^|\/)(src\/[^/]+)\//)?.[1] ?? file;
    const counts = folders.get(folder) ?? Object.fromEntries(COUNTED.map((s) => [s, 0]));
    for (const m of mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
    folders.set(folder, counts);
  }
  return folders;
}

export function printFolderScores(report: Report): void {
  console.log('\nMutation score per folder (killed+timeout / killed+timeout+survived+no-coverage):');
  for (const [folder, c] of [...folderScores(report)].sort()) {
    const detected = c.Killed! + c.Timeout!;
    const valid = detected + c.Survived! + c.NoCoverage!;
    const score = valid ? ((100 * detected) / valid).toFixed(2) : 'n/a';
    console.log(`  ${folder.padEnd(18)} ${String(score).padStart(6)} %  killed ${c.Killed} survived ${c.Survived} no-coverage ${c.NoCoverage} timeout ${c.Timeout} compile-error ${c.CompileError}`);
  }
}
