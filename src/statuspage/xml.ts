/** Escaping for HTML, XML feeds and SVG alike: text and attribute values. */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** XML 1.0 forbids C0 controls other than tab, newline and return, and U+FFFE / U+FFFF. */
function allowedInXml(code: number): boolean {
  if (code < 32) return code === 9 || code === 10 || code === 13;
  return code !== 0xfffe && code !== 0xffff;
}

function withoutForbidden(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (!allowedInXml(text.charCodeAt(i))) {
      return [...text].filter((char) => allowedInXml(char.charCodeAt(0))).join('');
    }
  }
  return text;
}

/** Dropped rather than escaped, the forbidden characters: an incident message must not make a feed invalid. */
export function escapeXml(text: string): string {
  return withoutForbidden(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
