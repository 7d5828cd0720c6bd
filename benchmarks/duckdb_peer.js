'use strict';
// The DuckDB side of benchmarks/parquet_vs_duckdb: makes the benchmark files and times DuckDB's
// own Parquet scan and write on them. Every command prints one JSON object on stdout.
//
//   node duckdb_peer.js gen   --rows N --codec snappy|zstd --out FILE [--row-group-size R]
//   node duckdb_peer.js read  --file FILE --threads T --runs R
//   node duckdb_peer.js write --file IN --out OUT --codec C --threads T --runs R [--row-group-size R]
//   node duckdb_peer.js sums  --file FILE
//   node duckdb_peer.js meta  --file FILE
//
// Timings are wall-clock seconds of the query alone (the process and the connection already
// exist), the best of R runs after one untimed warm-up run; cpu_seconds is the smallest CPU time
// (user + system, all threads) of those runs.
//
// The data: id = 0..N-1 (BIGINT, sorted: PLAIN or delta territory), k = a low-cardinality INT
// (dictionary encoded), d = a high-cardinality DOUBLE whose values are multiples of 1/4 so that
// every partial sum is exact in binary floating point (both sides must agree bit for bit whatever
// the summation order), s = ASCII strings of 2..33 bytes with about a million distinct values.

const path = require('path');

// The peers' node_modules live in tests/peers beside this directory.
const PEERS = path.resolve(__dirname, '..', 'tests', 'peers', 'node_modules');
const { DuckDBInstance } = require(path.join(PEERS, '@duckdb', 'node-api'));

function parseArgs(argv) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      out[a.slice(2)] = argv[i + 1];
      i++;
    } else {
      out._.push(a);
    }
  }
  return out;
}

function sqlString(s) {
  return "'" + String(s).replace(/'/g, "''") + "'";
}

async function connect(threads) {
  const inst = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conn = await inst.connect();
  return conn;
}

const SELECT_DATA = (rows) =>
  `SELECT range AS id, ` +
  `CAST(hash(range) % 100 AS INTEGER) AS k, ` +
  `CAST(hash(range + 7919) % 4000000 AS DOUBLE) / 4.0 AS d, ` +
  `'s' || CAST(hash(range + 104729) % 1000000 AS VARCHAR) || repeat('x', CAST(hash(range + 15485863) % 26 AS INTEGER)) AS s ` +
  `FROM range(${rows})`;

// Sums with the same meaning as ours: sum(length(s)) counts bytes (strlen), not characters.
const SUMS_SQL = (file) =>
  `SELECT CAST(sum(id) AS VARCHAR) AS sum_id, CAST(sum(k) AS VARCHAR) AS sum_k, ` +
  `sum(d) AS sum_d, CAST(sum(strlen(s)) AS VARCHAR) AS sum_len_s, count(*) AS n ` +
  `FROM read_parquet(${sqlString(file)})`;

async function sums(conn, file) {
  const reader = await conn.runAndReadAll(SUMS_SQL(file));
  const r = reader.getRows()[0];
  return { sum_id: r[0], sum_k: r[1], sum_d: Number(r[2]), sum_len_s: r[3], rows: String(r[4]) };
}

function now() {
  return Number(process.hrtime.bigint()) / 1e9;
}

// CPU seconds (user + system) of the whole process, DuckDB's worker threads included.
function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function timeBest(runs, fn) {
  await fn();  // warm-up: page cache, allocator, code
  let best = Infinity;
  let bestCpu = Infinity;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const c0 = cpuNow();
    const t0 = now();
    await fn();
    const t = now() - t0;
    const c = cpuNow() - c0;
    times.push(t);
    if (t < best) best = t;
    if (c < bestCpu) bestCpu = c;
  }
  return { best, bestCpu, times };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const cmd = args._[0];
  let result;
  if (cmd === 'gen') {
    const rows = Number(args.rows);
    const rg = Number(args['row-group-size'] || 122880);
    const conn = await connect(2);
    await conn.run('SET preserve_insertion_order=true');
    await conn.run(
      `COPY (${SELECT_DATA(rows)}) TO ${sqlString(args.out)} ` +
        `(FORMAT parquet, COMPRESSION ${args.codec}, ROW_GROUP_SIZE ${rg})`,
    );
    result = { file: args.out, rows, row_group_size: rg, codec: args.codec };
  } else if (cmd === 'sums') {
    const conn = await connect(2);
    result = await sums(conn, args.file);
  } else if (cmd === 'read') {
    const conn = await connect(Number(args.threads));
    let s;
    const t = await timeBest(Number(args.runs || 3), async () => {
      s = await sums(conn, args.file);
    });
    result = { ...s, threads: Number(args.threads), seconds: t.best, cpu_seconds: t.bestCpu, times: t.times };
  } else if (cmd === 'write') {
    const conn = await connect(Number(args.threads));
    const rg = Number(args['row-group-size'] || 122880);
    // Materialise the rows in DuckDB's memory first (untimed), so the timed part is the Parquet
    // encode + compress + write alone, like ours (which writes batches already in memory).
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${sqlString(args.file)})`);
    const t = await timeBest(Number(args.runs || 3), async () => {
      await conn.run(
        `COPY t TO ${sqlString(args.out)} (FORMAT parquet, COMPRESSION ${args.codec}, ROW_GROUP_SIZE ${rg})`,
      );
    });
    const fs = require('fs');
    result = { threads: Number(args.threads), seconds: t.best, cpu_seconds: t.bestCpu, times: t.times, bytes: fs.statSync(args.out).size };
  } else if (cmd === 'meta') {
    const conn = await connect(1);
    const reader = await conn.runAndReadAll(
      `SELECT path_in_schema, string_agg(DISTINCT encodings, ' | ') AS enc, count(*) AS chunks, ` +
        `CAST(sum(total_compressed_size) AS BIGINT) AS comp, CAST(sum(total_uncompressed_size) AS BIGINT) AS uncomp ` +
        `FROM parquet_metadata(${sqlString(args.file)}) GROUP BY path_in_schema ORDER BY path_in_schema`,
    );
    result = reader.getRows().map((r) => ({
      column: r[0],
      encodings: r[1],
      chunks: Number(r[2]),
      compressed: Number(r[3]),
      uncompressed: Number(r[4]),
    }));
  } else {
    process.stderr.write('usage: duckdb_peer.js gen|read|write|sums|meta --option value ...\n');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
