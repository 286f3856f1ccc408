/** Escaping for HTML, XML feeds and SVG alike: text and attribute values. */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** XML 1.0 forbids C0 controls other than tab, newline and return, and U+FFFE / U+FFFF. */
function allowedInXml(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 32) return code === 9 || code === 10 || code === 13;
  return code !== 0xfffe && code !== 0xffff;
}

export function escapeXml(text: string): string {
  let clean = text;
  // Dropped rather than escaped: an incident message must not make a feed invalid.
  if (![...text].every(allowedInXml)) clean = [...text].filter(allowedInXml).join('');
  return clean.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
