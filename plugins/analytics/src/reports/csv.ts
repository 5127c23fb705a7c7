/** RFC 4180 CSV with formula-injection guarding (a cell starting with = + - @ is quoted with '). */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown): string => {
    let text = value == null ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text))) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
