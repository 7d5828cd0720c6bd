'use strict';
// Parquet files written by hyparquet-writer (a small pure-JS writer) with an explicit schema:
// flat columns of the basic types, default and explicit encodings, snappy / uncompressed,
// one or several row groups. Expected rows come from the JS source values.

const fs = require('fs');
const path = require('path');
const C = require('./canon');

const N = 1500;

function lcg(seed) {
  let s = seed >>> 0;
  return (m) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % m;
  };
}

function build() {
  const rn = lcg(7);
  const cols = [];
  const col = (schema, gen, canon, encoding) => {
    const data = [];
    for (let i = 0; i < N; i++) data.push(schema.repetition_type === 'OPTIONAL' && i % 9 === 4 ? null : gen(i));
    cols.push({ schema, data, canon, encoding });
  };
  const opt = 'OPTIONAL';
  col({ name: 'id', type: 'INT64', repetition_type: 'REQUIRED' }, (i) => BigInt(i), (v) => v, 'DELTA_BINARY_PACKED');
  col({ name: 'b', type: 'BOOLEAN', repetition_type: opt }, () => rn(2) === 0, (v) => v);
  col({ name: 'i32', type: 'INT32', repetition_type: opt }, (i) => (i % 10 === 0 ? -2147483648 : rn(2000000) - 1000000), (v) => v, 'DELTA_BINARY_PACKED');
  col(
    { name: 'i64', type: 'INT64', repetition_type: opt },
    (i) => (i % 10 === 0 ? 9223372036854775807n : BigInt(rn(4000000000)) * 2147483647n - 4000000000n),
    (v) => v,
    'DELTA_BINARY_PACKED',
  );
  col({ name: 'u32', type: 'INT32', converted_type: 'UINT_32', repetition_type: opt }, (i) => (i % 10 === 0 ? 4294967295 : rn(4294967295)), (v) => v);
  col({ name: 'f', type: 'FLOAT', repetition_type: opt }, (i) => Math.fround((rn(200001) - 100000) / 64), (v) => C.fmtFloat(v), 'BYTE_STREAM_SPLIT');
  col({ name: 'd', type: 'DOUBLE', repetition_type: opt }, (i) => (i % 50 === 0 ? NaN : (rn(2000001) - 1000000) / 3), (v) => C.fmtDouble(v), 'BYTE_STREAM_SPLIT');
  col(
    { name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: opt },
    (i) => (i % 7 === 0 ? '' : i % 7 === 1 ? 'ünïcode ✓ 𝄞' : `str_${rn(50)}`),
    (v) => v,
    'DELTA_BYTE_ARRAY',
  );
  col(
    { name: 'bin', type: 'BYTE_ARRAY', repetition_type: opt },
    (i) => Uint8Array.from({ length: i % 5 }, () => rn(256)),
    (v) => C.hex(v),
    'DELTA_LENGTH_BYTE_ARRAY',
  );
  col(
    { name: 'dec', type: 'INT64', converted_type: 'DECIMAL', precision: 18, scale: 3, repetition_type: opt },
    () => BigInt(rn(2000000000)) * 1000003n - 1000000000000n,
    (v) => C.fmtDecimal(v, 3),
  );
  col(
    { name: 'decb', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', precision: 38, scale: 5, repetition_type: opt },
    (i) => (i % 20 === 0 ? -(10n ** 38n - 1n) : BigInt(rn(2000000000)) * 999999999999n - 10n ** 21n),
    (v) => C.fmtDecimal(v, 5),
  );
  col({ name: 'date', type: 'INT32', converted_type: 'DATE', repetition_type: opt }, () => rn(60000) - 20000, (v) => C.fmtDate(v));
  col(
    { name: 'ts', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: opt },
    () => BigInt(rn(4000000000)) * 1000003n - 2000000000000000n,
    (v) => C.fmtTimestamp(v, 'us', true),
  );
  col(
    { name: 'ts_ms', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: opt },
    () => BigInt(rn(4000000000)) * 997n - 2000000000000n,
    (v) => C.fmtTimestamp(v, 'ms', true),
  );
  col(
    { name: 'uuid', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, logical_type: { type: 'UUID' }, repetition_type: opt },
    () => Uint8Array.from({ length: 16 }, () => rn(256)),
    (v) => C.hex(v),
  );
  return cols;
}

const CONFIGS = [
  ['default', 'SNAPPY', undefined, false],
  ['default', 'UNCOMPRESSED', 400, false],
  ['encodings', 'SNAPPY', 400, true],
  ['encodings', 'UNCOMPRESSED', undefined, true],
];

async function genHyparquet(out, manifest) {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const cols = build();
  const rows = [];
  for (let i = 0; i < N; i++) {
    const o = {};
    for (const c of cols) o[c.schema.name] = c.data[i] === null ? null : c.canon(c.data[i]);
    rows.push(o);
  }
  const text = rows.map((r) => C.serialize(r) + '\n').join('');
  const columnTypes = {};
  for (const c of cols) columnTypes[c.schema.name] = c.schema.logical_type ? c.schema.logical_type.type : c.schema.converted_type || c.schema.type;
  const schema = [{ name: 'root', num_children: cols.length }, ...cols.map((c) => c.schema)];
  for (const [cfg, codec, rowGroupSize, withEnc] of CONFIGS) {
    const name = `hyparquet_${cfg}_${codec.toLowerCase()}${rowGroupSize ? '_rg' : ''}`;
    const columnData = cols.map((c) => {
      const cd = { name: c.schema.name, data: c.data.slice() };
      if (withEnc && c.encoding) cd.encoding = c.encoding;
      return cd;
    });
    const opts = { columnData, schema, codec };
    if (rowGroupSize) opts.rowGroupSize = rowGroupSize;
    const buf = parquetWriteBuffer(opts);
    const file = path.join(out, name + '.parquet');
    fs.writeFileSync(file, new Uint8Array(buf));
    const expected = path.join(out, name + '.jsonl');
    fs.writeFileSync(expected, text);
    manifest.push({ case: name, writer: 'hyparquet', file, expected, columns: columnTypes });
  }
}

module.exports = { genHyparquet };
