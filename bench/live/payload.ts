/** A ~1 KB update, like a vitals push. */
export function payload(): Record<string, unknown> {
  return {
    cpus: Array.from({ length: 8 }, (_, i) => ({
      model: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
      name: String(i + 1),
      usage: 12.5 + i,
    })),
    mem: {
      total: 17179869184,
      used: 16969285632,
      free: 210583552,
      swap_total: 3221225472,
      swap_used: 1456603136,
      swap_free: 1764622336,
    },
    disks: [{ name: '/dev/vda1', total: 494384795648, free: 147038166923 }],
    pad: 'x'.repeat(250),
  };
}
