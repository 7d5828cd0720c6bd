// `deltacpp parquet schema|meta|cat|copy`: inspect and rewrite Parquet files through our own
// reader and writer.
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_util.h"
#include "commands.h"
#include "delta/io/file.h"
#include "delta/parquet/compression/codec.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/util/macros.h"
#include "row_format.h"

namespace delta::cli {

namespace {

namespace pq = delta::parquet;

Result<std::unique_ptr<pq::FileReader>> OpenReader(const std::string& path, const std::vector<std::string>& columns) {
  DELTA_ASSIGN_OR_RAISE(auto file, io::OpenLocalFile(path));
  pq::ReaderOptions opts;
  opts.columns = columns;
  return pq::FileReader::Open(std::move(file), std::move(opts));
}

// ------------------------------------------------------------------ schema
std::string Repetition(const pq::SchemaElement& e) {
  if (!e.repetition_type) return "";
  switch (*e.repetition_type) {
    case pq::FieldRepetitionType::REQUIRED: return "required";
    case pq::FieldRepetitionType::OPTIONAL: return "optional";
    case pq::FieldRepetitionType::REPEATED: return "repeated";
  }
  return "";
}

std::string LogicalText(const pq::SchemaElement& e) {
  std::vector<std::string> parts;
  if (e.logical_type) {
    const auto& lt = *e.logical_type;
    auto unit = [&] {
      return lt.time_unit == pq::TimeUnitKind::MILLIS ? "MILLIS" : lt.time_unit == pq::TimeUnitKind::MICROS ? "MICROS" : "NANOS";
    };
    switch (lt.kind) {
      case pq::LogicalType::STRING: parts.push_back("STRING"); break;
      case pq::LogicalType::MAP: parts.push_back("MAP"); break;
      case pq::LogicalType::LIST: parts.push_back("LIST"); break;
      case pq::LogicalType::ENUM: parts.push_back("ENUM"); break;
      case pq::LogicalType::DECIMAL: parts.push_back(fmt::format("DECIMAL({},{})", lt.decimal_precision, lt.decimal_scale)); break;
      case pq::LogicalType::DATE: parts.push_back("DATE"); break;
      case pq::LogicalType::TIME: parts.push_back(fmt::format("TIME({},{})", unit(), lt.is_adjusted_to_utc)); break;
      case pq::LogicalType::TIMESTAMP: parts.push_back(fmt::format("TIMESTAMP({},{})", unit(), lt.is_adjusted_to_utc)); break;
      case pq::LogicalType::INTEGER: parts.push_back(fmt::format("INTEGER({},{})", lt.int_bit_width, lt.int_is_signed)); break;
      case pq::LogicalType::UNKNOWN: parts.push_back("UNKNOWN"); break;
      case pq::LogicalType::JSON: parts.push_back("JSON"); break;
      case pq::LogicalType::BSON: parts.push_back("BSON"); break;
      case pq::LogicalType::UUID: parts.push_back("UUID"); break;
      case pq::LogicalType::FLOAT16: parts.push_back("FLOAT16"); break;
      case pq::LogicalType::VARIANT: parts.push_back("VARIANT"); break;
      case pq::LogicalType::GEOMETRY: parts.push_back("GEOMETRY"); break;
      case pq::LogicalType::GEOGRAPHY: parts.push_back("GEOGRAPHY"); break;
      case pq::LogicalType::NONE: break;
    }
  } else if (e.converted_type) {
    if (*e.converted_type == pq::ConvertedType::DECIMAL) {
      parts.push_back(fmt::format("DECIMAL({},{})", e.precision.value_or(0), e.scale.value_or(0)));
    } else {
      parts.push_back(pq::ConvertedTypeName(*e.converted_type));
    }
  }
  if (e.field_id) parts.push_back(fmt::format("field_id={}", *e.field_id));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

Status RunSchema(const std::string& path) {
  DELTA_ASSIGN_OR_RAISE(auto reader, OpenReader(path, {}));
  const auto& schema = reader->metadata().schema;
  std::string out = "Parquet schema:\n";
  // Walk the flattened tree with a stack of remaining-children counts for indentation.
  std::vector<int32_t> remaining;
  for (size_t i = 0; i < schema.size(); ++i) {
    const auto& e = schema[i];
    std::string indent(2 * remaining.size(), ' ');
    if (i == 0) {
      out += fmt::format("message {} {{\n", e.name);
    } else {
      std::string type = e.type ? (*e.type == pq::Type::FIXED_LEN_BYTE_ARRAY
                                       ? fmt::format("fixed_len_byte_array({})", e.type_length.value_or(0))
                                       : std::string(pq::TypeName(*e.type)))
                                : "group";
      for (auto& c : type) c = static_cast<char>(std::tolower(c));
      std::string logical = LogicalText(e);
      out += fmt::format("{}{} {} {}{}{}\n", indent, Repetition(e), type, e.name, logical.empty() ? "" : " (" + logical + ")",
                         e.num_children.value_or(0) > 0 ? " {" : ";");
    }
    if (!remaining.empty()) --remaining.back();
    if (e.num_children.value_or(0) > 0) {
      remaining.push_back(*e.num_children);
    }
    while (!remaining.empty() && remaining.back() == 0) {
      remaining.pop_back();
      out += std::string(2 * remaining.size(), ' ') + "}\n";
    }
  }
  out += "\nColumnar schema:\n" + reader->schema()->ToString() + "\n";
  return WriteStdout(out);
}

// ------------------------------------------------------------------ meta
std::string StatValue(const std::string& bytes, pq::Type type, bool utf8) {
  auto fixed = [&](auto tag) -> std::string {
    using T = decltype(tag);
    if (bytes.size() != sizeof(T)) return fmt::format("<{} bytes>", bytes.size());
    T v;
    std::memcpy(&v, bytes.data(), sizeof(T));
    return fmt::format("{}", v);
  };
  switch (type) {
    case pq::Type::BOOLEAN: return bytes.size() == 1 ? (bytes[0] ? "true" : "false") : "<bad>";
    case pq::Type::INT32: return fixed(int32_t{});
    case pq::Type::INT64: return fixed(int64_t{});
    case pq::Type::FLOAT: return fixed(float{});
    case pq::Type::DOUBLE: return fixed(double{});
    default: break;
  }
  if (utf8) return fmt::format("\"{}\"", bytes);
  std::string hex = "0x";
  for (unsigned char c : bytes) hex += fmt::format("{:02x}", c);
  return hex;
}

Status RunMeta(const std::string& path) {
  DELTA_ASSIGN_OR_RAISE(auto reader, OpenReader(path, {}));
  const pq::FileMetaData& md = reader->metadata();
  std::string out;
  out += fmt::format("file: {}\nversion: {}\ncreated_by: {}\nnum_rows: {}\nrow_groups: {}\n", path, md.version,
                     md.created_by.value_or(""), md.num_rows, md.row_groups.size());
  for (const auto& kv : md.key_value_metadata) {
    std::string v = kv.value.value_or("");
    if (v.size() > 120) v = v.substr(0, 117) + "...";
    out += fmt::format("key_value: {} = {}\n", kv.key, v);
  }
  // Which leaves carry UTF-8 text, to print their statistics as strings.
  std::vector<bool> leaf_utf8;
  for (const auto& e : md.schema) {
    if (e.num_children.value_or(0) > 0 || !e.type) continue;
    bool utf8 = (e.logical_type && (e.logical_type->kind == pq::LogicalType::STRING || e.logical_type->kind == pq::LogicalType::ENUM ||
                                    e.logical_type->kind == pq::LogicalType::JSON)) ||
                (e.converted_type && (*e.converted_type == pq::ConvertedType::UTF8 || *e.converted_type == pq::ConvertedType::ENUM ||
                                      *e.converted_type == pq::ConvertedType::JSON));
    leaf_utf8.push_back(utf8);
  }
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const auto& rg = md.row_groups[g];
    out += fmt::format("row group {}: {} rows, {} bytes\n", g, rg.num_rows, rg.total_byte_size);
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const auto& chunk = rg.columns[c];
      if (!chunk.meta_data) {
        out += fmt::format("  column {}: no metadata\n", c);
        continue;
      }
      const auto& cm = *chunk.meta_data;
      std::string col_path;
      for (const auto& p : cm.path_in_schema) col_path += (col_path.empty() ? "" : ".") + p;
      std::string encodings;
      for (auto e : cm.encodings) encodings += (encodings.empty() ? "" : ",") + std::string(pq::EncodingName(e));
      out += fmt::format("  {}: {} {} values={} compressed={} uncompressed={} encodings={}", col_path, pq::TypeName(cm.type),
                         pq::CodecName(cm.codec), cm.num_values, cm.total_compressed_size, cm.total_uncompressed_size,
                         encodings);
      if (cm.statistics) {
        const auto& st = *cm.statistics;
        bool utf8 = c < leaf_utf8.size() && leaf_utf8[c];
        const auto& mn = st.min_value ? st.min_value : st.min;
        const auto& mx = st.max_value ? st.max_value : st.max;
        if (st.null_count) out += fmt::format(" nulls={}", *st.null_count);
        if (mn) out += " min=" + StatValue(*mn, cm.type, utf8);
        if (mx) out += " max=" + StatValue(*mx, cm.type, utf8);
      }
      out += "\n";
    }
  }
  return WriteStdout(out);
}

// ------------------------------------------------------------------ cat
struct CatOptions {
  std::string path;
  std::string columns;
  std::string format = "jsonl";
  int64_t limit = -1;
  int threads = 1;
};

Status RunCat(const CatOptions& o) {
  if (o.format != "jsonl" && o.format != "csv" && o.format != "table") {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (expected jsonl, csv or table)", o.format));
  }
  DELTA_ASSIGN_OR_RAISE(auto file, io::OpenLocalFile(o.path));
  pq::ReaderOptions opts;
  opts.columns = SplitCommaList(o.columns);
  opts.num_threads = o.threads;
  DELTA_ASSIGN_OR_RAISE(auto reader, pq::FileReader::Open(std::move(file), std::move(opts)));
  DELTA_ASSIGN_OR_RAISE(auto stream, reader->GetRecordBatchReader());
  return PrintRecordBatches(stream.get(), o.format, o.limit);
}

// ------------------------------------------------------------------ copy
struct CopyOptions {
  std::string in;
  std::string out;
  std::string compression = "snappy";
  int64_t row_group_rows = 0;
  std::string columns;
  int threads = 1;
  bool page_v2 = false;
  bool no_dictionary = false;
};

Status CopyInto(const CopyOptions& o, bool* created) {
  pq::WriterProperties props;
  DELTA_RETURN_NOT_OK(pq::ParseCompression(o.compression, &props.compression, &props.compression_level));
  if (o.row_group_rows > 0) props.max_row_group_rows = o.row_group_rows;
  props.data_page_v2 = o.page_v2;
  props.dictionary_enabled = !o.no_dictionary;
  props.num_threads = o.threads;
  DELTA_ASSIGN_OR_RAISE(auto in_file, io::OpenLocalFile(o.in));
  pq::ReaderOptions ropts;
  ropts.columns = SplitCommaList(o.columns);
  ropts.num_threads = o.threads;
  DELTA_ASSIGN_OR_RAISE(auto reader, pq::FileReader::Open(std::move(in_file), std::move(ropts)));
  // Carry the input's key/value metadata over.
  for (const auto& kv : reader->metadata().key_value_metadata) props.key_value_metadata.emplace_back(kv.key, kv.value.value_or(""));
  DELTA_ASSIGN_OR_RAISE(auto stream, reader->GetRecordBatchReader());
  DELTA_ASSIGN_OR_RAISE(auto out_file, io::OpenLocalOutput(o.out));
  *created = true;
  DELTA_ASSIGN_OR_RAISE(auto writer, pq::FileWriter::Open(out_file, stream->schema(), props));
  for (;;) {
    DELTA_ASSIGN_OR_RAISE(auto batch, stream->Next());
    if (!batch) break;
    DELTA_RETURN_NOT_OK(writer->WriteBatch(*batch));
  }
  DELTA_RETURN_NOT_OK(writer->Close());
  return out_file->Close();
}

// A failed copy removes its partial output, so no truncated Parquet file is left behind.
Status RunCopy(const CopyOptions& o) {
  if (o.in == o.out) return Status::InvalidArgument(fmt::format("copy would overwrite its input {}", o.in));
  bool created = false;
  Status st = CopyInto(o, &created);
  if (!st.ok() && created) std::remove(o.out.c_str());
  return st;
}

}  // namespace

void RegisterParquetCommands(CLI::App* app, Runner* selected) {
  CLI::App* pq_cmd = app->add_subcommand("parquet", "Inspect and rewrite Parquet files");
  pq_cmd->require_subcommand(1);

  auto path = std::make_shared<std::string>();
  CLI::App* schema = pq_cmd->add_subcommand("schema", "Print the Parquet schema and its columnar mapping");
  schema->add_option("FILE", *path, "Parquet file")->required();
  schema->callback([selected, path] { *selected = [path] { return RunSchema(*path); }; });

  auto meta_path = std::make_shared<std::string>();
  CLI::App* meta = pq_cmd->add_subcommand("meta", "Print row groups, codecs, encodings and statistics");
  meta->add_option("FILE", *meta_path, "Parquet file")->required();
  meta->callback([selected, meta_path] { *selected = [meta_path] { return RunMeta(*meta_path); }; });

  auto cat_opts = std::make_shared<CatOptions>();
  CLI::App* cat = pq_cmd->add_subcommand("cat", "Print rows");
  cat->add_option("FILE", cat_opts->path, "Parquet file")->required();
  cat->add_option("--columns", cat_opts->columns, "Comma-separated columns or nested paths (a,b.c)");
  cat->add_option("--format", cat_opts->format, "jsonl (canonical), csv or table")->capture_default_str();
  cat->add_option("--limit", cat_opts->limit, "Print at most N rows");
  cat->add_option("--threads", cat_opts->threads, "Decoding threads")->capture_default_str();
  cat->callback([selected, cat_opts] { *selected = [cat_opts] { return RunCat(*cat_opts); }; });

  auto copy_opts = std::make_shared<CopyOptions>();
  CLI::App* copy = pq_cmd->add_subcommand("copy", "Rewrite a file through our reader and writer");
  copy->add_option("IN", copy_opts->in, "Input Parquet file")->required();
  copy->add_option("OUT", copy_opts->out, "Output Parquet file")->required();
  copy->add_option("--compression", copy_opts->compression, "Codec[:level]: snappy, zstd, gzip, lz4_raw, brotli, uncompressed")
      ->capture_default_str();
  copy->add_option("--row-group-rows", copy_opts->row_group_rows, "Rows per row group");
  copy->add_option("--columns", copy_opts->columns, "Keep only these columns (comma-separated)");
  copy->add_option("--threads", copy_opts->threads, "Threads for reading and writing")->capture_default_str();
  copy->add_flag("--page-v2", copy_opts->page_v2, "Write data pages v2");
  copy->add_flag("--no-dictionary", copy_opts->no_dictionary, "Disable dictionary encoding");
  copy->callback([selected, copy_opts] { *selected = [copy_opts] { return RunCopy(*copy_opts); }; });
}

}  // namespace delta::cli
