'use strict';
// Reads Parquet files with an independent implementation and prints canonical JSON rows
// (conformance FORMAT.md section 2), one object per line, in file order.
//
//   node read.js --with duckdb|parquet-wasm|hyparquet FILE [FILE...]
//       rows of a single FILE on stdout
//   node read.js --with PEER --out-dir DIR FILE [FILE...]
//       writes DIR/<basename of FILE>.<PEER>.jsonl per file, or <...>.error with the message
//       when the peer fails on that file; one process for many files keeps start-up cost down
//
// Each converter works from the exact representation the peer hands out (BigInt for 64-bit
// integers, unscaled integers for decimals, integer counts for temporal values), never through
// a lossy JS double except for float/double columns themselves.

const fs = require('fs');
const path = require('path');
const C = require('./canon');

// ---------------------------------------------------------------------------------------------
// DuckDB values (@duckdb/node-api DuckDBValue objects, typed by DuckDBType)

function duckValue(v, type) {
  if (v === null || v === undefined) return null;
  const T = require('@duckdb/node-api').DuckDBTypeId;
  switch (type.typeId) {
    case T.BOOLEAN:
      return v;
    case T.TINYINT:
    case T.SMALLINT:
    case T.INTEGER:
    case T.UTINYINT:
    case T.USMALLINT:
    case T.UINTEGER:
      return v;
    case T.BIGINT:
    case T.UBIGINT:
    case T.HUGEINT:
    case T.UHUGEINT:
      return BigInt(v);
    case T.FLOAT:
      return C.fmtFloat(v);
    case T.DOUBLE:
      return C.fmtDouble(v);
    case T.DECIMAL:
      return C.fmtDecimal(v.value, v.scale);
    case T.DATE:
      return C.fmtDate(v.days);
    case T.TIMESTAMP:
      return C.fmtTimestamp(v.micros, 'us', false);
    case T.TIMESTAMP_TZ:
      return C.fmtTimestamp(v.micros, 'us', true);
    case T.TIMESTAMP_S:
      return C.fmtTimestamp(v.seconds, 's', false);
    case T.TIMESTAMP_MS:
      return C.fmtTimestamp(v.millis, 'ms', false);
    case T.TIMESTAMP_NS:
      return C.fmtTimestamp(v.nanos, 'ns', false);
    case T.TIME:
      return C.fmtTime(v.micros, 'us');
    case T.TIME_TZ:
      return C.fmtTime(v.micros, 'us');
    case T.TIME_NS:
      return C.fmtTime(v.nanos, 'ns');
    case T.VARCHAR:
    case T.ENUM:
      return v;
    case T.BLOB:
      return C.hex(v.bytes);
    case T.UUID:
      return v.toString().replace(/-/g, '');
    case T.LIST:
    case T.ARRAY:
      return v.items.map((x) => duckValue(x, type.valueType));
    case T.STRUCT: {
      const o = {};
      type.entryNames.forEach((n, k) => {
        o[n] = duckValue(v.entries[n], type.entryTypes[k]);
      });
      return o;
    }
    case T.MAP:
      return v.entries.map((e) => ({ key: duckValue(e.key, type.keyType), value: duckValue(e.value, type.valueType) }));
    default:
      throw new Error(`duckdb: no canonical form for type ${type}`);
  }
}

// Canonical rows of a query result.
async function duckRows(conn, sql) {
  const reader = await conn.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  return reader.getRows().map((r) => {
    const o = {};
    names.forEach((n, i) => {
      o[n] = duckValue(r[i], types[i]);
    });
    return o;
  });
}

async function duckConnect() {
  const { DuckDBInstance } = require('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:', {
    threads: '1',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conn = await inst.connect();
  await conn.run("SET TimeZone='UTC'");
  return conn;
}

function sqlString(s) {
  return "'" + s.replace(/'/g, "''") + "'";
}

async function makeDuckReader() {
  const conn = await duckConnect();
  return async (file) => {
    const f = sqlString(file);
    const rows = await duckRows(conn, `SELECT * FROM read_parquet(${f})`);
    // DuckDB reads the legacy converted types TIMESTAMP_MILLIS/MICROS without a LogicalType as
    // local (not UTC-adjusted) timestamps; LogicalTypes.md defines them as UTC-adjusted, so
    // print those top-level columns with "Z" as the spec says.
    const legacy = await conn.runAndReadAll(
      `SELECT name FROM parquet_schema(${f}) WHERE converted_type IN ('TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS') AND logical_type IS NULL`,
    );
    const names = new Set(legacy.getRows().map((r) => r[0]));
    if (names.size) {
      for (const r of rows) {
        for (const n of names) if (typeof r[n] === 'string' && !r[n].endsWith('Z')) r[n] += 'Z';
      }
    }
    return rows;
  };
}

// ---------------------------------------------------------------------------------------------
// Arrow data (apache-arrow Data objects), as produced by parquet-wasm through Arrow IPC

function validAt(data, i) {
  const bm = data.nullBitmap;
  if (!data.nullCount || !bm || bm.length === 0) return true;
  const j = data.offset + i;
  return (bm[j >> 3] & (1 << (j & 7))) !== 0;
}

function int64At(values, j) {
  // BigInt64Array / BigUint64Array, or pairs of 32-bit words in older layouts
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return values[j];
  if (values instanceof Int32Array || values instanceof Uint32Array) {
    const lo = BigInt(values[2 * j] >>> 0);
    const hi = BigInt.asIntN(32, BigInt(values[2 * j + 1]));
    return (hi << 32n) | lo;
  }
  return BigInt(values[j]);
}

const ARROW_UNIT = ['s', 'ms', 'us', 'ns'];

function arrowValue(data, i) {
  if (!validAt(data, i)) return null;
  const t = data.type;
  const j = data.offset + i;
  switch (t.typeId) {
    case 1: // Null
      return null;
    case 2: {
      // Int
      const v = data.values[j];
      if (t.bitWidth === 64) return t.isSigned ? BigInt.asIntN(64, int64At(data.values, j)) : BigInt.asUintN(64, int64At(data.values, j));
      return v;
    }
    case 3: // Float
      if (t.precision === 1) return C.fmtFloat(data.values[j]);
      if (t.precision === 2) return C.fmtDouble(data.values[j]);
      throw new Error('arrow: float16 not supported');
    case 4: // Binary
    case 19: // LargeBinary
    case 5: // Utf8
    case 20: {
      // LargeUtf8
      const a = Number(data.valueOffsets[j]);
      const b = Number(data.valueOffsets[j + 1]);
      const bytes = data.values.subarray(a, b);
      return t.typeId === 5 || t.typeId === 20 ? C.utf8(bytes) : C.hex(bytes);
    }
    case 6: // Bool
      return (data.values[j >> 3] & (1 << (j & 7))) !== 0;
    case 7: {
      // Decimal: little-endian 32-bit words
      const words = t.bitWidth / 32;
      let v = 0n;
      for (let k = words - 1; k >= 0; k--) v = (v << 32n) | BigInt(data.values[j * words + k] >>> 0);
      v = BigInt.asIntN(t.bitWidth, v);
      return C.fmtDecimal(v, t.scale);
    }
    case 8: // Date
      if (t.unit === 0) return C.fmtDate(data.values[j]);
      return C.fmtDate(Number(C.floorDiv(int64At(data.values, j), 86400000n)));
    case 9: {
      // Time
      const v = t.bitWidth === 64 ? int64At(data.values, j) : BigInt(data.values[j]);
      return C.fmtTime(v, ARROW_UNIT[t.unit]);
    }
    case 10: // Timestamp
      return C.fmtTimestamp(int64At(data.values, j), ARROW_UNIT[t.unit], t.timezone !== null && t.timezone !== undefined && t.timezone !== '');
    case 12: // List
    case 21: {
      // LargeList
      const a = Number(data.valueOffsets[j]);
      const b = Number(data.valueOffsets[j + 1]);
      const child = data.children[0];
      const out = [];
      for (let k = a; k < b; k++) out.push(arrowValue(child, k));
      return out;
    }
    case 13: {
      // Struct: children are sliced together with the parent
      const o = {};
      t.children.forEach((f, k) => {
        o[f.name] = arrowValue(data.children[k], i);
      });
      return o;
    }
    case 15: {
      // FixedSizeBinary
      const w = t.byteWidth;
      return C.hex(data.values.subarray(j * w, (j + 1) * w));
    }
    case 16: {
      // FixedSizeList
      const n = t.listSize;
      const out = [];
      for (let k = 0; k < n; k++) out.push(arrowValue(data.children[0], i * n + k));
      return out;
    }
    case 17: {
      // Map: list of struct<key, value>
      const a = Number(data.valueOffsets[j]);
      const b = Number(data.valueOffsets[j + 1]);
      const entries = data.children[0];
      const out = [];
      for (let k = a; k < b; k++) {
        out.push({ key: arrowValue(entries.children[0], k), value: arrowValue(entries.children[1], k) });
      }
      return out;
    }
    case -1: {
      // Dictionary
      const idx = Number(data.values[j]);
      const dict = data.dictionary;
      let base = 0;
      for (const d of dict.data) {
        if (idx < base + d.length) return arrowValue(d, idx - base);
        base += d.length;
      }
      throw new Error('arrow: dictionary index out of range');
    }
    default:
      throw new Error(`arrow: no canonical form for type ${t}`);
  }
}

function arrowTableRows(table) {
  const fields = table.schema.fields;
  const rows = [];
  for (const batch of table.batches) {
    for (let i = 0; i < batch.numRows; i++) {
      const o = {};
      fields.forEach((f, k) => {
        o[f.name] = arrowValue(batch.data.children[k], i);
      });
      rows.push(o);
    }
  }
  return rows;
}

async function makeWasmReader() {
  const wasm = require('parquet-wasm/node');
  const arrow = require('apache-arrow');
  return async (file) => {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const wt = wasm.readParquet(bytes);
    const table = arrow.tableFromIPC(wt.intoIPCStream());
    return arrowTableRows(table);
  };
}

// ---------------------------------------------------------------------------------------------
// hyparquet: read with the logical annotations of the leaf columns removed, so that hyparquet
// hands out the physical values (BigInt int64, raw bytes for strings/decimals/FLBA), and convert
// them here from the file's own schema. Group annotations (LIST, MAP) stay so that hyparquet
// assembles the nesting itself.

function hyLeafValue(el, v) {
  if (v === null || v === undefined) return null;
  const lt = el.logical_type;
  const ct = el.converted_type;
  const type = el.type;
  const ltt = lt && lt.type;
  if (ltt === 'DECIMAL' || ct === 'DECIMAL') {
    const scale = (lt && lt.scale !== undefined ? lt.scale : el.scale) || 0;
    const unscaled = v instanceof Uint8Array ? C.bigintFromBE(v) : BigInt(v);
    return C.fmtDecimal(unscaled, scale);
  }
  if (ltt === 'DATE' || ct === 'DATE') return C.fmtDate(v);
  if (ltt === 'TIMESTAMP') {
    const unit = { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }[lt.unit];
    return C.fmtTimestamp(v, unit, !!lt.isAdjustedToUTC);
  }
  if (ct === 'TIMESTAMP_MILLIS') return C.fmtTimestamp(v, 'ms', true);
  if (ct === 'TIMESTAMP_MICROS') return C.fmtTimestamp(v, 'us', true);
  if (ltt === 'TIME') return C.fmtTime(v, { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }[lt.unit]);
  if (ct === 'TIME_MILLIS') return C.fmtTime(v, 'ms');
  if (ct === 'TIME_MICROS') return C.fmtTime(v, 'us');
  if (type === 'INT96') {
    // v: BigInt of the 12 little-endian bytes (nanos of day in the low 64 bits, Julian day above)
    const days = (v >> 64n) - 2440588n;
    const nanos = v & 0xffffffffffffffffn;
    return C.fmtTimestamp(days * 86400000000000n + nanos, 'ns', true);
  }
  if (ltt === 'STRING' || ltt === 'ENUM' || ltt === 'JSON' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON') return C.utf8(v);
  if (ltt === 'INTEGER' || (ct && /^U?INT_/.test(ct))) {
    let signed = true;
    let width = 32;
    if (ltt === 'INTEGER') {
      signed = lt.isSigned;
      width = lt.bitWidth;
    } else {
      signed = !ct.startsWith('U');
      width = Number(ct.replace(/^U?INT_/, ''));
    }
    if (width === 64) return signed ? BigInt.asIntN(64, BigInt(v)) : BigInt.asUintN(64, BigInt(v));
    return signed ? Number(v) : Number(v) >>> 0;
  }
  switch (type) {
    case 'BOOLEAN':
      return !!v;
    case 'INT32':
      return Number(v);
    case 'INT64':
      return BigInt(v);
    case 'FLOAT':
      return C.fmtFloat(v);
    case 'DOUBLE':
      return C.fmtDouble(v);
    case 'BYTE_ARRAY':
    case 'FIXED_LEN_BYTE_ARRAY':
      return C.hex(v); // binary, UUID, FLOAT16 and unknown annotations: bytes as hex
    default:
      throw new Error(`hyparquet: no canonical form for ${type}`);
  }
}

// Map keys come back as JS object property names; turn them back into typed values.
function hyKeyFromString(el, s) {
  const type = el.type;
  const isText =
    (el.logical_type && ['STRING', 'ENUM', 'JSON'].includes(el.logical_type.type)) || ['UTF8', 'ENUM', 'JSON'].includes(el.converted_type);
  if (type === 'BYTE_ARRAY' || type === 'FIXED_LEN_BYTE_ARRAY') {
    const bytes = s === '' ? new Uint8Array(0) : Uint8Array.from(s.split(',').map(Number));
    return isText ? hyLeafValue(el, bytes) : hyLeafValue(el, bytes);
  }
  if (type === 'INT64' || type === 'INT96') return hyLeafValue(el, BigInt(s));
  if (type === 'BOOLEAN') return hyLeafValue(el, s === 'true');
  return hyLeafValue(el, Number(s));
}

function hyNode(tree, v) {
  if (v === null || v === undefined) return null;
  const el = tree.element;
  const ct = el.converted_type;
  const ltt = el.logical_type && el.logical_type.type;
  if (!tree.children.length) return hyLeafValue(el, v);
  if (ct === 'LIST' || ltt === 'LIST') {
    let leaf = tree.children[0];
    if (leaf.children.length === 1) leaf = leaf.children[0];
    return Array.from(v, (x) => hyNode(leaf, x));
  }
  if (ct === 'MAP' || ltt === 'MAP' || ct === 'MAP_KEY_VALUE') {
    const kv = tree.children[0];
    const keyTree = kv.children.find((c) => c.element.name === 'key') || kv.children[0];
    const valTree = kv.children.find((c) => c.element.name === 'value') || kv.children[1];
    return Object.keys(v).map((k) => ({ key: hyKeyFromString(keyTree.element, k), value: hyNode(valTree, v[k]) }));
  }
  const o = {};
  for (const c of tree.children) o[c.element.name] = hyNode(c, v[c.element.name]);
  return o;
}

async function makeHyReader() {
  const hp = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  return async (file) => {
    const buf = fs.readFileSync(file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const metadata = hp.parquetMetadata(ab);
    const tree = hp.parquetSchema(metadata); // built from the original annotations
    const stripped = {
      ...metadata,
      schema: metadata.schema.map((el) => {
        if (el.num_children) return el; // group: keep LIST/MAP
        const { converted_type, logical_type, ...rest } = el;
        return rest;
      }),
    };
    const rows = await hp.parquetReadObjects({ file: ab, metadata: stripped, compressors, utf8: false });
    return rows.map((r) => {
      const o = {};
      for (const c of tree.children) o[c.element.name] = hyNode(c, r[c.element.name]);
      return o;
    });
  };
}

// ---------------------------------------------------------------------------------------------

const MAKERS = { duckdb: makeDuckReader, 'parquet-wasm': makeWasmReader, hyparquet: makeHyReader };

async function main() {
  const args = process.argv.slice(2);
  let peer = null;
  let outDir = null;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--with') peer = args[++i];
    else if (args[i] === '--out-dir') outDir = args[++i];
    else files.push(args[i]);
  }
  if (!MAKERS[peer] || files.length === 0) {
    process.stderr.write('usage: read.js --with duckdb|parquet-wasm|hyparquet [--out-dir DIR] FILE...\n');
    process.exit(2);
  }
  const read = await MAKERS[peer]();
  if (!outDir) {
    for (const f of files) {
      const rows = await read(f);
      process.stdout.write(rows.map((r) => C.serialize(r) + '\n').join(''));
    }
    return;
  }
  for (const f of files) {
    const base = path.join(outDir, path.basename(f) + '.' + peer);
    try {
      const rows = await read(f);
      fs.writeFileSync(base + '.jsonl', rows.map((r) => C.serialize(r) + '\n').join(''));
    } catch (e) {
      fs.writeFileSync(base + '.error', String((e && e.stack) || e).split('\n').slice(0, 3).join(' | ') + '\n');
    }
  }
}

module.exports = { duckValue, duckRows, duckConnect, sqlString, arrowTableRows, makeDuckReader, makeWasmReader, makeHyReader };

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(String((e && e.stack) || e) + '\n');
    process.exit(1);
  });
}
