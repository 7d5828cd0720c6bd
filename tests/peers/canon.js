'use strict';
// Canonical JSON values of the conformance contract (docs: conformance FORMAT.md section 2),
// built by hand from exact inputs: integers as BigInt, decimals as unscaled BigInt + scale,
// temporal values as integer counts. Nothing here goes through a lossy JS double except
// float/double columns themselves.
//
// A canonical row is a plain JS tree; numbers that need exact text (int64, floats printed as
// float32) are wrapped in Raw so serialize() prints them verbatim.

class Raw {
  constructor(text) {
    this.text = text;
  }
}

function serialize(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`non-finite number ${v} must be canonicalized first`);
      return String(v);
    case 'string':
      return JSON.stringify(v);
    default:
      break;
  }
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return '[' + v.map(serialize).join(',') + ']';
  const parts = [];
  for (const k of Object.keys(v)) parts.push(JSON.stringify(k) + ':' + serialize(v[k]));
  return '{' + parts.join(',') + '}';
}

function special(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return null;
}

// Double: JS String() is the shortest round-trip text.
function fmtDouble(x) {
  const s = special(x);
  if (s !== null) return s;
  return new Raw(String(x));
}

// Float32 (given as the exact double it widens to): the shortest decimal that reads back as the
// same float32.
function fmtFloat(x) {
  const s = special(x);
  if (s !== null) return s;
  if (x === 0) return new Raw(Object.is(x, -0) ? '-0.0' : '0.0');
  for (let p = 1; p <= 9; p++) {
    const t = x.toPrecision(p);
    if (Math.fround(Number(t)) === x) return new Raw(String(Number(t)));
  }
  return new Raw(String(x));
}

function pad(n, w) {
  return String(n).padStart(w, '0');
}

// Proleptic Gregorian civil date of a day count since 1970-01-01.
function civilFromDays(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

function fmtYear(y) {
  if (y >= 0 && y <= 9999) return pad(y, 4);
  if (y > 9999) return '+' + String(y);
  return '-' + pad(-y, 4);
}

function fmtDate(days) {
  const [y, m, d] = civilFromDays(Number(days));
  return `${fmtYear(y)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function floorDiv(a, b) {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function fmtTimeOfDayMicros(us) {
  // us: BigInt in [0, 86400e6)
  const secs = us / 1000000n;
  const frac = us % 1000000n;
  const h = secs / 3600n;
  const m = (secs / 60n) % 60n;
  const s = secs % 60n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(frac, 6)}`;
}

const UNIT_TO_MICROS = {
  s: [1000000n, 1n],
  ms: [1000n, 1n],
  us: [1n, 1n],
  ns: [1n, 1000n],
};

// value: integer count (BigInt or number) in `unit` ('s'|'ms'|'us'|'ns') since the epoch.
function toMicros(value, unit) {
  const [mul, div] = UNIT_TO_MICROS[unit];
  return floorDiv(BigInt(value) * mul, div);
}

function fmtTimestamp(value, unit, utc) {
  const us = toMicros(value, unit);
  const days = floorDiv(us, 86400000000n);
  const rem = us - days * 86400000000n;
  return `${fmtDate(Number(days))}T${fmtTimeOfDayMicros(rem)}${utc ? 'Z' : ''}`;
}

function fmtTime(value, unit) {
  return fmtTimeOfDayMicros(toMicros(value, unit));
}

function fmtDecimal(unscaled, scale) {
  let u = BigInt(unscaled);
  const neg = u < 0n;
  if (neg) u = -u;
  let s = u.toString();
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
  } else if (scale < 0) {
    s = u === 0n ? '0' : s + '0'.repeat(-scale);
  }
  return (neg ? '-' : '') + s;
}

// Big-endian two's complement bytes (Parquet DECIMAL in BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY).
function bigintFromBE(bytes) {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes[0] & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v;
}

function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(bytes) {
  return utf8Decoder.decode(bytes);
}

// Maps are compared with entries sorted by key; sort here too so that expected files are stable.
function sortMapEntries(entries) {
  const withKey = entries.map((e) => [serialize(e.key), e]);
  withKey.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return withKey.map((x) => x[1]);
}

module.exports = {
  Raw,
  serialize,
  fmtDouble,
  fmtFloat,
  fmtDate,
  fmtTimestamp,
  fmtTime,
  fmtDecimal,
  bigintFromBE,
  hex,
  utf8,
  floorDiv,
  sortMapEntries,
};
