'use strict';
// Writes a matrix of Parquet files with three independent writers, and for each file the rows
// it must contain in canonical JSON (conformance FORMAT.md section 2), computed from the data
// the writer was given, never by reading the file back.
//
//   node gen.js OUTDIR [--only duckdb,parquet-wasm,hyparquet]
//
// Output: OUTDIR/<case>.parquet, OUTDIR/<case>.jsonl (expected rows, in file order) and
// OUTDIR/manifest.json: [{case, writer, file, expected, columns: {name: type tag}}].

const fs = require('fs');
const path = require('path');
const C = require('./canon');
const R = require('./read');

const manifest = [];

function writeExpected(file, rows) {
  fs.writeFileSync(file, rows.map((r) => C.serialize(r) + '\n').join(''));
}

// Expected rows are shared by several files (the same data under different codecs/encodings):
// write them once and hard-link the per-case copies.
function linkExpected(src, dst) {
  try {
    fs.linkSync(src, dst);
  } catch (e) {
    fs.copyFileSync(src, dst);
  }
}

// ---------------------------------------------------------------------------------------------
// DuckDB

// [name, SQL type, expression over i (BIGINT row number), h = hash(i), g = hash(i + 1000003)]
const DUCK_FAMILIES = {
  scalars: {
    rows: 3000,
    columns: [
      ['b', 'BOOLEAN', 'h % 3 = 0'],
      ['i8', 'TINYINT', '(h % 256)::INTEGER - 128'],
      ['i16', 'SMALLINT', '(h % 65536)::INTEGER - 32768'],
      ['i32', 'INTEGER', 'CASE i % 20 WHEN 0 THEN 2147483647 WHEN 1 THEN -2147483648 ELSE (h % 4294967296)::BIGINT - 2147483648 END'],
      ['i64', 'BIGINT', 'CASE i % 10 WHEN 0 THEN 9223372036854775807 WHEN 1 THEN -9223372036854775808 WHEN 2 THEN (h % 1000)::BIGINT - 500 ELSE (h::HUGEINT - 9223372036854775808) END'],
      ['u8', 'UTINYINT', 'h % 256'],
      ['u16', 'USMALLINT', 'h % 65536'],
      ['u32', 'UINTEGER', 'CASE i % 10 WHEN 0 THEN 4294967295 ELSE h % 4294967296 END'],
      ['u64', 'UBIGINT', 'CASE i % 10 WHEN 0 THEN 18446744073709551615 WHEN 1 THEN 0 ELSE h END'],
      [
        'f32',
        'FLOAT',
        "CASE i % 50 WHEN 0 THEN 'nan'::FLOAT WHEN 1 THEN 'inf'::FLOAT WHEN 2 THEN '-inf'::FLOAT WHEN 3 THEN 3.4028235e38::FLOAT " +
          'WHEN 4 THEN 1.4e-45::FLOAT WHEN 5 THEN 0.1::FLOAT ELSE (((h % 2000001)::DOUBLE - 1000000) / 1024.0 * (CASE WHEN i % 3 = 0 THEN 0.001 ELSE 1 END))::FLOAT END',
      ],
      [
        'f64',
        'DOUBLE',
        "CASE i % 50 WHEN 0 THEN 'nan'::DOUBLE WHEN 1 THEN 'inf'::DOUBLE WHEN 2 THEN '-inf'::DOUBLE WHEN 3 THEN 1.7976931348623157e308 " +
          'WHEN 4 THEN 5e-324 WHEN 5 THEN 0.1 ELSE (h::DOUBLE - 9.2e18) / 3.0e7 END',
      ],
      ['dec4_2', 'DECIMAL(4,2)', '((h % 19999)::INTEGER - 9999) * 0.01'],
      ['dec9_3', 'DECIMAL(9,3)', '((h % 1999999999)::BIGINT - 999999999) * 0.001'],
      ['dec18_6', 'DECIMAL(18,6)', "(CASE WHEN h % 2 = 0 THEN '-' ELSE '' END || (g % 1000000000000)::VARCHAR || '.' || lpad((h % 1000000)::VARCHAR, 6, '0'))"],
      [
        'dec38_10',
        'DECIMAL(38,10)',
        "CASE i % 20 WHEN 0 THEN '9999999999999999999999999999.9999999999' WHEN 1 THEN '-9999999999999999999999999999.9999999999' WHEN 2 THEN '0.0000000001' " +
          "ELSE (CASE WHEN h % 2 = 0 THEN '-' ELSE '' END || (h % 1000000000000000000)::VARCHAR || (g % 1000000000)::VARCHAR || '.' || lpad((g % 10000000000)::VARCHAR, 10, '0')) END",
      ],
      ['d', 'DATE', "CASE i % 100 WHEN 0 THEN DATE '0001-01-01' WHEN 1 THEN DATE '9999-12-31' ELSE DATE '1970-01-01' + ((h % 80000)::INTEGER - 30000) END"],
      ['ts', 'TIMESTAMP', 'make_timestamp((h % 8000000000000000)::BIGINT - 3000000000000000)'],
      ['tstz', 'TIMESTAMPTZ', 'make_timestamp((g % 8000000000000000)::BIGINT - 3000000000000000)::TIMESTAMPTZ'],
      ['ts_ms', 'TIMESTAMP_MS', 'make_timestamp((g % 8000000000000000)::BIGINT - 3000000000000000)::TIMESTAMP_MS'],
      ['ts_ns', 'TIMESTAMP_NS', 'make_timestamp_ns((g % 8000000000000000000)::BIGINT - 3000000000000000000)'],
      ['t', 'TIME', "TIME '00:00:00' + to_microseconds((h % 86400000000)::BIGINT)"],
      [
        's',
        'VARCHAR',
        "CASE i % 8 WHEN 0 THEN '' WHEN 1 THEN 'héllo wörld ✓ 𝄞 中文 ' || i::VARCHAR " +
          "WHEN 2 THEN 'quote \" backslash \\ newline ' || chr(10) || ' tab' || chr(9) || chr(1) " +
          "WHEN 3 THEN repeat('x', (h % 300)::INTEGER) ELSE 'v' || (h % 1000)::VARCHAR END",
      ],
      ['blob', 'BLOB', "CASE i % 5 WHEN 0 THEN ''::BLOB ELSE unhex(printf('%016x%08x', h, i)) END"],
      ['uuid', 'UUID', 'md5(i::VARCHAR)::UUID'],
    ],
  },
  nested: {
    rows: 2000,
    columns: [
      [
        'st',
        'STRUCT(a INTEGER, b VARCHAR, c STRUCT(d DOUBLE, e BIGINT[]))',
        "{'a': (h % 1000)::INTEGER, 'b': CASE WHEN i % 4 = 0 THEN NULL ELSE 's' || i::VARCHAR END, " +
          "'c': CASE WHEN i % 6 = 0 THEN NULL ELSE {'d': i / 7.0, 'e': CASE WHEN i % 5 = 0 THEN NULL ELSE range(i % 4) END} END}",
      ],
      ['li', 'INTEGER[]', 'CASE i % 6 WHEN 0 THEN [] WHEN 1 THEN NULL WHEN 2 THEN [NULL, i::INTEGER, NULL] ELSE list_transform(range((h % 7)::BIGINT), x -> (x * i)::INTEGER) END'],
      ['ls', 'VARCHAR[]', "CASE i % 5 WHEN 0 THEN [''] WHEN 1 THEN [NULL] ELSE ['a' || i::VARCHAR, 'ü' || (h % 10)::VARCHAR] END"],
      [
        'lst',
        'STRUCT(x INTEGER, y VARCHAR)[]',
        "CASE i % 4 WHEN 0 THEN [] WHEN 1 THEN [NULL, {'x': 1, 'y': NULL}] ELSE [{'x': i::INTEGER, 'y': 'y' || i::VARCHAR}, {'x': NULL, 'y': 'z'}] END",
      ],
      ['m', 'MAP(VARCHAR, INTEGER)', "CASE i % 5 WHEN 0 THEN MAP {} WHEN 1 THEN MAP {'a': NULL} ELSE MAP(['k' || (i % 3)::VARCHAR, 'j' || i::VARCHAR], [i::INTEGER, NULL]) END"],
      ['m2', 'MAP(INTEGER, VARCHAR[])', "MAP([i::INTEGER, i::INTEGER + 1], [['x', NULL], NULL])"],
      ['nl', 'INTEGER[][]', 'CASE i % 5 WHEN 0 THEN [[]] WHEN 1 THEN [NULL, [1, NULL]] WHEN 2 THEN [] ELSE [[i::INTEGER], [(h % 100)::INTEGER, 2]] END'],
      ['ldec', 'DECIMAL(9,3)[]', 'CASE i % 3 WHEN 0 THEN NULL ELSE [i * 0.001, NULL, -i * 1.5] END'],
      ['lts', 'TIMESTAMP[]', 'CASE i % 3 WHEN 0 THEN [] ELSE [make_timestamp((h % 4000000000000000)::BIGINT - 2000000000000000), NULL] END'],
      ['sl', 'STRUCT(p INTEGER[], q MAP(VARCHAR, DOUBLE))', "CASE i % 7 WHEN 0 THEN NULL ELSE {'p': [i::INTEGER], 'q': MAP {'w': i / 3.0}} END"],
    ],
  },
  // fixed-size ARRAY columns (DuckDB writes them as lists, with one level entry per slot even
  // for a null array); kept apart so that trouble with them does not hide the other nested types
  arrays: {
    rows: 1000,
    columns: [
      ['arr', 'INTEGER[3]', '[i::INTEGER, NULL, 2]'],
      ['arr_s', 'VARCHAR[2]', "CASE i % 4 WHEN 0 THEN NULL ELSE ['a' || i::VARCHAR, NULL] END"],
    ],
  },
  strings: {
    rows: 3000,
    columns: [
      ['low', 'VARCHAR', "'cat_' || (h % 10)::VARCHAR"],
      ['high', 'VARCHAR', 'md5(i::VARCHAR) || md5(h::VARCHAR)'],
      ['long', 'VARCHAR', 'repeat(md5(i::VARCHAR), 1 + (h % 20)::INTEGER)'],
      ['lowint', 'INTEGER', '(h % 5)::INTEGER'],
      ['lowbig', 'BIGINT', '(h % 3)::BIGINT * 10000000000'],
      ['lowdbl', 'DOUBLE', '(h % 7) / 4.0'],
      ['lowflt', 'FLOAT', '((h % 7) / 4.0)::FLOAT'],
      ['lowdec', 'DECIMAL(18,6)', '(h % 3) * 1.5'],
      ['lowts', 'TIMESTAMP', 'make_timestamp((h % 4)::BIGINT * 1000000)'],
      ['lowblob', 'BLOB', "unhex(printf('%02x', (h % 4)::INTEGER))"],
      ['sortedint', 'BIGINT', 'i * 3'],
    ],
  },
};

const DUCK_CODECS = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli'];
const NULL_MODES = ['none', 'some', 'all'];

function duckSelect(fam, nulls) {
  const cols = fam.columns.map(([name, type, expr], k) => {
    let e = expr;
    if (nulls === 'some') e = `CASE WHEN hash(i, ${k + 1}) % 4 = 0 THEN NULL ELSE (${expr}) END`;
    if (nulls === 'all') e = 'NULL';
    return `CAST(${e} AS ${type}) AS "${name}"`;
  });
  return `SELECT i AS id, ${cols.join(', ')} FROM (SELECT range AS i, hash(range) AS h, hash(range + 1000003) AS g FROM range(${fam.rows})) ORDER BY i`;
}

async function genDuck(out) {
  const conn = await R.duckConnect();
  for (const [fname, fam] of Object.entries(DUCK_FAMILIES)) {
    for (const nulls of NULL_MODES) {
      const table = `src_${fname}_${nulls}`;
      await conn.run(`CREATE TABLE ${table} AS ${duckSelect(fam, nulls)}`);
      const rows = await R.duckRows(conn, `SELECT * FROM ${table} ORDER BY id`);
      const shared = path.join(out, `_expected_duckdb_${fname}_${nulls}.jsonl`);
      writeExpected(shared, rows);
      // each (family, nulls) gets every codec once, half with page v1 and half with v2; the
      // pairing rotates with the null mode so every codec meets both versions per family
      let variant = 0;
      const rot = NULL_MODES.indexOf(nulls);
      for (const [ci, codec] of DUCK_CODECS.entries()) {
        for (const version of [(ci + rot) % 2 === 0 ? 'V1' : 'V2']) {
          variant++;
          // every other file gets small row groups (DuckDB rounds to its 2048-row vectors)
          const rg = (ci + rot) % 3 === 0 ? 1024 : 1000000;
          const name = `duckdb_${fname}_${nulls}_${codec}_${version.toLowerCase()}${rg < 100000 ? '_rg' : ''}`;
          const file = path.join(out, name + '.parquet');
          await conn.run(
            `COPY (SELECT * FROM ${table} ORDER BY id) TO ${R.sqlString(file)} ` +
              `(FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE ${rg})`,
          );
          const expected = path.join(out, name + '.jsonl');
          linkExpected(shared, expected);
          const columns = { id: 'BIGINT' };
          for (const [n, t] of fam.columns) columns[n] = t;
          manifest.push({ case: name, writer: 'duckdb', file, expected, columns });
        }
      }
      fs.unlinkSync(shared);
    }
  }
}

module.exports = { DUCK_FAMILIES };

async function main() {
  const args = process.argv.slice(2);
  const out = args[0];
  let only = ['duckdb', 'parquet-wasm', 'hyparquet'];
  const k = args.indexOf('--only');
  if (k >= 0) only = args[k + 1].split(',');
  if (!out) {
    process.stderr.write('usage: gen.js OUTDIR [--only duckdb,parquet-wasm,hyparquet]\n');
    process.exit(2);
  }
  fs.mkdirSync(out, { recursive: true });
  if (only.includes('duckdb')) await genDuck(out);
  if (only.includes('parquet-wasm')) await require('./gen_wasm').genWasm(out, manifest);
  if (only.includes('hyparquet')) await require('./gen_hyparquet').genHyparquet(out, manifest);
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));
  process.stdout.write(`gen: ${manifest.length} files\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(String((e && e.stack) || e) + '\n');
    process.exit(1);
  });
}
