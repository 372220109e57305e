export async function main(argv: string[]): Promise<number> {
  process.stdout.write(`gatehouse ${argv.join(' ')}\n`);
  return 0;
}
