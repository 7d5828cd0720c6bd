'use strict';
// The DuckDB side of benchmarks/snapshot_load.sh: the raw cost of reading the log files of the
// synthetic table, with no Delta logic at all. Prints one JSON object on stdout.
//
//   node snapshot_load_duckdb.js --layout FILE [--threads T] [--runs R]
//
// FILE is the JSON printed by `snapshot_load generate` (checkpoint_parts, commit_files). One run
// materialises every column of every row of the checkpoint parts and of the commits into tables:
//   CREATE TABLE ck AS SELECT * FROM read_parquet([parts])
//   CREATE TABLE cm AS SELECT * FROM read_json([commits], format='newline_delimited', union_by_name=true)
// (count(*) alone would let DuckDB skip decoding the columns). A run is timed from the first
// query to the end of the second, wall clock; the connection already exists. R runs (default 1,
// no warm-up: the driver starts one process per run, as it does for our side) and the best is
// kept; the tables are dropped between runs.

const fs = require('fs');
const path = require('path');

const PEERS = path.resolve(__dirname, '..', 'tests', 'peers', 'node_modules');
const { DuckDBInstance } = require(path.join(PEERS, '@duckdb', 'node-api'));

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

function sqlString(s) {
  return "'" + String(s).replace(/'/g, "''") + "'";
}

function sqlList(files) {
  return '[' + files.map(sqlString).join(', ') + ']';
}

function now() {
  return Number(process.hrtime.bigint()) / 1e9;
}

function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const layout = JSON.parse(fs.readFileSync(args.layout, 'utf8'));
  const threads = Number(args.threads || 2);
  const runs = Number(args.runs || 1);
  const inst = await DuckDBInstance.create(':memory:', {
    threads: String(threads),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  const conn = await inst.connect();
  const parquetSql = `CREATE TABLE ck AS SELECT * FROM read_parquet(${sqlList(layout.checkpoint_parts)})`;
  const jsonSql =
    `CREATE TABLE cm AS SELECT * FROM read_json(${sqlList(layout.commit_files)}, ` +
    `format = 'newline_delimited', union_by_name = true)`;
  let best = null;
  for (let r = 0; r < runs; r++) {
    if (r > 0) {
      await conn.run('DROP TABLE ck');
      await conn.run('DROP TABLE cm');
    }
    const c0 = cpuNow();
    const t0 = now();
    await conn.run(parquetSql);
    const t1 = now();
    await conn.run(jsonSql);
    const t2 = now();
    const run = { seconds: t2 - t0, parquet_seconds: t1 - t0, json_seconds: t2 - t1, cpu_seconds: cpuNow() - c0 };
    if (best === null || run.seconds < best.seconds) best = run;
  }
  const counts = (await conn.runAndReadAll('SELECT (SELECT count(*) FROM ck), (SELECT count(*) FROM cm)')).getRows()[0];
  const result = {
    ...best,
    threads,
    checkpoint_rows: Number(counts[0]),
    commit_rows: Number(counts[1]),
    // Peak RSS of the whole node process (node itself included), for information.
    peak_rss: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
