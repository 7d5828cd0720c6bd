'use strict';
// Parquet files written by parquet-wasm (the Rust parquet crate) from Arrow tables built here,
// with explicit encodings: PLAIN without dictionary, DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT, RLE booleans, dictionary;
// writer version 1 and 2; every codec. Expected rows come from the JS source values.

const fs = require('fs');
const path = require('path');
const C = require('./canon');

const N = 2000;

// Deterministic 64-bit generator (splitmix64) so every run writes the same files.
function makeRng(seed) {
  let s = BigInt.asUintN(64, BigInt(seed));
  return () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

// Column: {name, arrowType (factory), kind, values[], canon(v) -> canonical, physical group}
function buildColumns() {
  const rnd = makeRng(42);
  const r = () => rnd();
  const rn = (m) => Number(r() % BigInt(m));
  const cols = [];
  const col = (name, kind, gen, opts = {}) => {
    const values = [];
    for (let i = 0; i < N; i++) {
      const nullable = opts.nullable !== false;
      values.push(nullable && i % 11 === 3 + (opts.shift || 0) ? null : gen(i));
    }
    cols.push({ name, kind, values, ...opts });
  };
  col('id', 'int64', (i) => BigInt(i), { nullable: false });
  col('i8', 'int8', () => rn(256) - 128);
  col('i16', 'int16', () => rn(65536) - 32768);
  col('i32', 'int32', (i) => (i % 17 === 0 ? 2147483647 : i % 17 === 1 ? -2147483648 : rn(4294967296) - 2147483648));
  col('i32_sorted', 'int32', (i) => i * 3 - 1000, { nullable: false });
  col('i64', 'int64', (i) =>
    i % 13 === 0 ? 9223372036854775807n : i % 13 === 1 ? -9223372036854775808n : i % 13 === 2 ? BigInt(rn(1000) - 500) : BigInt.asIntN(64, r()),
  );
  col('i64_small', 'int64', (i) => BigInt(i % 100) * 1000n - 7n);
  col('u8', 'uint8', () => rn(256));
  col('u16', 'uint16', () => rn(65536));
  col('u32', 'uint32', (i) => (i % 10 === 0 ? 4294967295 : rn(4294967296)));
  col('u64', 'uint64', (i) => (i % 10 === 0 ? 18446744073709551615n : r()));
  const f32special = [NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45, -0, 0.1];
  col('f32', 'float32', (i) => (i % 40 < f32special.length ? Math.fround(f32special[i % 40]) : Math.fround((rn(2000001) - 1000000) / 1024.0)));
  const f64special = [NaN, Infinity, -Infinity, 1.7976931348623157e308, 5e-324, -0, 0.1];
  col('f64', 'float64', (i) => (i % 40 < f64special.length ? f64special[i % 40] : (Number(r() >> 11n) - 2 ** 52) / 3.0e7));
  col('b', 'bool', () => rn(3) === 0);
  col('b_req', 'bool', (i) => i % 7 < 3, { nullable: false });
  const words = ['', 'a', 'héllo wörld ✓', '𝄞 中文', 'quote " backslash \\ nl \n tab \t \u0001', 'x'.repeat(300)];
  col('s', 'utf8', (i) => (i % 9 < words.length ? words[i % 9] : `v${rn(100000)}_${i}`));
  col('s_low', 'utf8', () => `cat_${rn(8)}`);
  col('s_prefix', 'utf8', (i) => `common/prefix/path/${String(i).padStart(6, '0')}`, { nullable: false });
  col('bin', 'binary', (i) => {
    const n = i % 7 === 0 ? 0 : rn(40);
    const b = new Uint8Array(n);
    for (let k = 0; k < n; k++) b[k] = rn(256);
    return b;
  });
  col('fsb', 'fsb16', () => {
    const b = new Uint8Array(16);
    for (let k = 0; k < 16; k++) b[k] = rn(256);
    return b;
  });
  col('d', 'date32', (i) => (i % 50 === 0 ? -719162 : i % 50 === 1 ? 2932896 : rn(80000) - 30000));
  col('ts_utc', 'ts_us_utc', () => BigInt(rn(8000000000000000) - 3000000000000000));
  col('ts_ntz', 'ts_us', () => BigInt(rn(8000000000000000) - 3000000000000000));
  col('ts_ms', 'ts_ms_utc', () => BigInt(rn(8000000000000) - 3000000000000));
  col('ts_ns', 'ts_ns', () => BigInt.asIntN(64, r() % 8000000000000000000n) - 3000000000000000000n);
  col('t_us', 'time_us', () => BigInt(rn(86400000000)));
  col('t_ms', 'time_ms', () => rn(86400000));
  col('dec9', 'dec9_2', () => BigInt(rn(1999999999) - 999999999));
  col('dec18', 'dec18_4', () => BigInt.asIntN(64, r()) % 1000000000000000000n);
  col('dec38', 'dec38_6', (i) =>
    i % 30 === 0 ? 10n ** 38n - 1n : i % 30 === 1 ? -(10n ** 38n - 1n) : (BigInt.asIntN(64, r()) * BigInt(rn(1000000000))) % 10n ** 37n,
  );
  col('li', 'list_i32', (i) => {
    if (i % 6 === 0) return [];
    const n = rn(5);
    const a = [];
    for (let k = 0; k < n; k++) a.push(k === 1 ? null : rn(1000) - 500);
    return a;
  });
  col('st', 'struct', (i) => ({ a: i % 5 === 0 ? null : rn(100000), b: i % 4 === 0 ? null : `s${i}` }));
  col('m', 'map_utf8_i64', (i) => (i % 5 === 0 ? [] : [{ key: `k${i % 3}`, value: BigInt(i) }, { key: 'z', value: i % 2 ? null : -1n }]));
  return cols;
}

function canonOf(kind, v) {
  if (v === null) return null;
  switch (kind) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'int64':
    case 'uint64':
      return v;
    case 'float32':
      return C.fmtFloat(v);
    case 'float64':
      return C.fmtDouble(v);
    case 'bool':
      return v;
    case 'utf8':
      return v;
    case 'binary':
    case 'fsb16':
      return C.hex(v);
    case 'date32':
      return C.fmtDate(v);
    case 'ts_us_utc':
      return C.fmtTimestamp(v, 'us', true);
    case 'ts_us':
      return C.fmtTimestamp(v, 'us', false);
    case 'ts_ms_utc':
      return C.fmtTimestamp(v, 'ms', true);
    case 'ts_ns':
      return C.fmtTimestamp(v, 'ns', false);
    case 'time_us':
      return C.fmtTime(v, 'us');
    case 'time_ms':
      return C.fmtTime(v, 'ms');
    case 'dec9_2':
      return C.fmtDecimal(v, 2);
    case 'dec18_4':
      return C.fmtDecimal(v, 4);
    case 'dec38_6':
      return C.fmtDecimal(v, 6);
    case 'list_i32':
      return v.slice();
    case 'struct':
      return { a: v.a, b: v.b };
    case 'map_utf8_i64':
      return v.map((e) => ({ key: e.key, value: e.value }));
    default:
      throw new Error(`no canonical form for ${kind}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Arrow construction

function validity(values) {
  const bm = new Uint8Array((values.length + 7) >> 3);
  let nulls = 0;
  values.forEach((v, i) => {
    if (v === null) nulls++;
    else bm[i >> 3] |= 1 << (i & 7);
  });
  return { nullBitmap: nulls ? bm : undefined, nullCount: nulls };
}

function varData(arrow, type, values, toBytes) {
  const enc = new TextEncoder();
  const parts = values.map((v) => (v === null ? new Uint8Array(0) : toBytes ? enc.encode(v) : v));
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  parts.forEach((p, i) => {
    total += p.length;
    offsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  parts.forEach((p, i) => data.set(p, offsets[i]));
  return arrow.makeData({ type, length: values.length, ...validity(values), valueOffsets: offsets, data });
}

function primData(arrow, type, Ctor, values, conv = (x) => x) {
  const data = new Ctor(values.length);
  values.forEach((v, i) => {
    if (v !== null) data[i] = conv(v);
  });
  return arrow.makeData({ type, length: values.length, ...validity(values), data });
}

function decData(arrow, scale, precision, values) {
  const data = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    if (v === null) return;
    const u = BigInt.asUintN(128, v);
    for (let k = 0; k < 4; k++) data[i * 4 + k] = Number((u >> BigInt(32 * k)) & 0xffffffffn);
  });
  return arrow.makeData({ type: new arrow.Decimal(scale, precision, 128), length: values.length, ...validity(values), data });
}

function arrowData(arrow, kind, values) {
  const A = arrow;
  switch (kind) {
    case 'int8':
      return primData(A, new A.Int8(), Int8Array, values);
    case 'int16':
      return primData(A, new A.Int16(), Int16Array, values);
    case 'int32':
      return primData(A, new A.Int32(), Int32Array, values);
    case 'uint8':
      return primData(A, new A.Uint8(), Uint8Array, values);
    case 'uint16':
      return primData(A, new A.Uint16(), Uint16Array, values);
    case 'uint32':
      return primData(A, new A.Uint32(), Uint32Array, values);
    case 'int64':
      return primData(A, new A.Int64(), BigInt64Array, values);
    case 'uint64':
      return primData(A, new A.Uint64(), BigUint64Array, values);
    case 'float32':
      return primData(A, new A.Float32(), Float32Array, values);
    case 'float64':
      return primData(A, new A.Float64(), Float64Array, values);
    case 'bool': {
      const data = new Uint8Array((values.length + 7) >> 3);
      values.forEach((v, i) => {
        if (v) data[i >> 3] |= 1 << (i & 7);
      });
      return A.makeData({ type: new A.Bool(), length: values.length, ...validity(values), data });
    }
    case 'utf8':
      return varData(A, new A.Utf8(), values, true);
    case 'binary':
      return varData(A, new A.Binary(), values, false);
    case 'fsb16': {
      const data = new Uint8Array(values.length * 16);
      values.forEach((v, i) => v && data.set(v, i * 16));
      return A.makeData({ type: new A.FixedSizeBinary(16), length: values.length, ...validity(values), data });
    }
    case 'date32':
      return primData(A, new A.DateDay(), Int32Array, values);
    case 'ts_us_utc':
      return primData(A, new A.TimestampMicrosecond('UTC'), BigInt64Array, values);
    case 'ts_us':
      return primData(A, new A.TimestampMicrosecond(), BigInt64Array, values);
    case 'ts_ms_utc':
      return primData(A, new A.TimestampMillisecond('UTC'), BigInt64Array, values);
    case 'ts_ns':
      return primData(A, new A.TimestampNanosecond(), BigInt64Array, values);
    case 'time_us':
      return primData(A, new A.TimeMicrosecond(), BigInt64Array, values);
    case 'time_ms':
      return primData(A, new A.TimeMillisecond(), Int32Array, values);
    case 'dec9_2':
      return decData(A, 2, 9, values);
    case 'dec18_4':
      return decData(A, 4, 18, values);
    case 'dec38_6':
      return decData(A, 6, 38, values);
    case 'list_i32': {
      const flat = [];
      const offsets = new Int32Array(values.length + 1);
      values.forEach((v, i) => {
        if (v) flat.push(...v);
        offsets[i + 1] = flat.length;
      });
      const child = primData(A, new A.Int32(), Int32Array, flat);
      const type = new A.List(new A.Field('item', new A.Int32(), true));
      return A.makeData({ type, length: values.length, ...validity(values), valueOffsets: offsets, child });
    }
    case 'struct': {
      const a = primData(A, new A.Int32(), Int32Array, values.map((v) => (v ? v.a : null)));
      const b = varData(A, new A.Utf8(), values.map((v) => (v ? v.b : null)), true);
      const type = new A.Struct([new A.Field('a', new A.Int32(), true), new A.Field('b', new A.Utf8(), true)]);
      return A.makeData({ type, length: values.length, ...validity(values), children: [a, b] });
    }
    case 'map_utf8_i64': {
      const keys = [];
      const vals = [];
      const offsets = new Int32Array(values.length + 1);
      values.forEach((v, i) => {
        if (v) for (const e of v) (keys.push(e.key), vals.push(e.value));
        offsets[i + 1] = keys.length;
      });
      const k = varData(A, new A.Utf8(), keys, true);
      const vv = primData(A, new A.Int64(), BigInt64Array, vals);
      const entriesType = new A.Struct([new A.Field('key', new A.Utf8(), false), new A.Field('value', new A.Int64(), true)]);
      const entries = A.makeData({ type: entriesType, length: keys.length, nullCount: 0, children: [k, vv] });
      const type = new A.Map_(new A.Field('entries', entriesType, false), false);
      return A.makeData({ type, length: values.length, ...validity(values), valueOffsets: offsets, child: entries });
    }
    default:
      throw new Error(`no arrow type for ${kind}`);
  }
}

// ---------------------------------------------------------------------------------------------

const INT_KINDS = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'date32', 'ts_us_utc', 'ts_us', 'ts_ms_utc', 'ts_ns', 'time_us', 'time_ms'];

// name -> [dictionary enabled, {column kinds -> encoding name}]
const ENCODING_CONFIGS = {
  dict: [true, {}],
  plain: [false, { '*': 'PLAIN' }],
  delta_binary_packed: [false, { kinds: INT_KINDS, paths: ['li.list.item', 'st.a', 'm.entries.value'], enc: 'DELTA_BINARY_PACKED' }],
  delta_length_byte_array: [false, { kinds: ['utf8', 'binary'], paths: ['st.b', 'm.entries.key'], enc: 'DELTA_LENGTH_BYTE_ARRAY' }],
  delta_byte_array: [false, { kinds: ['utf8', 'binary', 'fsb16', 'dec38_6'], paths: ['st.b', 'm.entries.key'], enc: 'DELTA_BYTE_ARRAY' }],
  byte_stream_split: [false, { kinds: ['float32', 'float64', 'int32', 'int64', 'fsb16'], enc: 'BYTE_STREAM_SPLIT' }],
  rle_bool: [false, { kinds: ['bool'], enc: 'RLE' }],
};

const WASM_CODECS = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'ZSTD', 'LZ4_RAW', 'BROTLI'];

async function genWasm(out, manifest) {
  const arrow = require('apache-arrow');
  const wasm = require('parquet-wasm/node');
  const cols = buildColumns();
  const datas = cols.map((c) => arrowData(arrow, c.kind, c.values));
  const vectors = {};
  cols.forEach((c, k) => {
    vectors[c.name] = arrow.makeVector(datas[k]);
  });
  const table = new arrow.Table(vectors);
  const ipc = arrow.tableToIPC(table, 'stream');

  const expectedRows = [];
  for (let i = 0; i < N; i++) {
    const o = {};
    for (const c of cols) o[c.name] = canonOf(c.kind, c.values[i]);
    expectedRows.push(o);
  }
  const shared = path.join(out, '_expected_wasm.jsonl');
  fs.writeFileSync(shared, expectedRows.map((r) => C.serialize(r) + '\n').join(''));
  const columnTypes = {};
  for (const c of cols) columnTypes[c.name] = c.kind;

  // each (encoding, version) gets three of the six codecs, alternating, so each encoding meets
  // every codec once
  let variant = 0;
  for (const [cfgName, [dict, spec]] of Object.entries(ENCODING_CONFIGS)) {
    for (const [vi, version] of ['V1', 'V2'].entries()) {
      for (const codec of WASM_CODECS.filter((c, k) => k % 2 === vi)) {
        variant++;
        // a third of the files get small row groups and pages, so that page and row-group
        // boundaries fall inside runs and delta blocks
        const small = variant % 3 === 0;
        const name = `wasm_${cfgName}_${version.toLowerCase()}_${codec.toLowerCase()}${small ? '_small' : ''}`;
        let encCols = cols;
        if (spec.kinds) encCols = cols.filter((c) => spec.kinds.includes(c.kind));
        if (spec.paths) encCols = encCols.concat(spec.paths.map((p) => ({ name: p })));
        const build = (withEnc) => {
          let b = new wasm.WriterPropertiesBuilder()
            .setCompression(wasm.Compression[codec])
            .setWriterVersion(version === 'V1' ? wasm.WriterVersion.V1_0 : wasm.WriterVersion.V2_0)
            .setDictionaryEnabled(dict)
            .setStatisticsEnabled(wasm.EnabledStatistics.Page);
          if (small) b = b.setMaxRowGroupSize(700).setDataPageSizeLimit(2048).setWriteBatchSize(64);
          if (spec['*']) b = b.setEncoding(wasm.Encoding[spec['*']]);
          for (const c of withEnc) b = b.setColumnEncoding(c.name, wasm.Encoding[spec.enc]);
          return b.build();
        };
        let bytes;
        const dropped = [];
        try {
          bytes = wasm.writeParquet(wasm.Table.fromIPCStream(ipc), build(encCols));
        } catch (e) {
          // find the columns this writer refuses the encoding for, keep the rest
          const ok = [];
          for (const c of encCols) {
            try {
              wasm.writeParquet(wasm.Table.fromIPCStream(ipc), build([c]));
              ok.push(c);
            } catch (e2) {
              dropped.push(c.name);
            }
          }
          bytes = wasm.writeParquet(wasm.Table.fromIPCStream(ipc), build(ok));
        }
        const file = path.join(out, name + '.parquet');
        fs.writeFileSync(file, bytes);
        const expected = path.join(out, name + '.jsonl');
        try {
          fs.linkSync(shared, expected);
        } catch (e) {
          fs.copyFileSync(shared, expected);
        }
        const entry = { case: name, writer: 'parquet-wasm', file, expected, columns: columnTypes };
        if (dropped.length) entry.note = `writer refused ${spec.enc} for ${dropped.join(',')}`;
        manifest.push(entry);
      }
    }
  }
  fs.unlinkSync(shared);
}

module.exports = { genWasm };
