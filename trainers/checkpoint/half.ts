/**
 * Half-precision floats to Float32Array: IEEE binary16 (safetensors `F16`) and bfloat16 (`BF16`), the formats
 * users' Hugging Face folders are often saved in. Exact: every half value is a float32 value, and NaN payloads,
 * infinities, signed zeros and subnormals keep their meaning. Input is little-endian 16-bit words.
 */

let f16Table: Uint32Array | undefined;

/** The float32 bit pattern of every binary16 bit pattern (256 KiB, built on first use). */
function f16Bits(): Uint32Array {
  if (f16Table !== undefined) return f16Table;
  const table = new Uint32Array(65536);
  const scratch = new Float32Array(1);
  const scratchBits = new Uint32Array(scratch.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0x1f) {
      table[h] = (sign | 0x7f800000 | (fraction << 13)) >>> 0; // infinity, NaN (payload kept)
    } else if (exponent !== 0) {
      table[h] = (sign | ((exponent - 15 + 127) << 23) | (fraction << 13)) >>> 0;
    } else {
      scratch[0] = fraction * 2 ** -24; // zero or subnormal: normal in float32
      table[h] = (sign | (scratchBits[0] ?? 0)) >>> 0;
    }
  }
  f16Table = table;
  return table;
}

/** binary16 words → float32 values. */
export function f16ToF32(words: Uint16Array): Float32Array {
  const table = f16Bits();
  const out = new Float32Array(words.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < words.length; i++) bits[i] = table[words[i] ?? 0] ?? 0;
  return out;
}

/** bfloat16 words → float32 values (bfloat16 is the top half of a float32). */
export function bf16ToF32(words: Uint16Array): Float32Array {
  const out = new Float32Array(words.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < words.length; i++) bits[i] = (words[i] ?? 0) << 16;
  return out;
}
