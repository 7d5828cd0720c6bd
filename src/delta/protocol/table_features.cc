#include "delta/protocol/table_features.h"

#include <fmt/format.h>

#include <algorithm>

namespace delta::protocol {

namespace {
constexpr int kMaxReaderVersion = 3;
constexpr int kMaxWriterVersion = 7;
}  // namespace

const std::vector<TableFeature>& KnownFeatures() {
  // Legacy versions from PROTOCOL.md "Table Features" / the feature sections. Features that only
  // exist as table features carry the feature-protocol versions (3 / 7).
  static const std::vector<TableFeature> kFeatures = {
      {"appendOnly", FeatureKind::kWriterOnly, 0, 2, true, true},
      {"invariants", FeatureKind::kWriterOnly, 0, 2, true, true},
      {"checkConstraints", FeatureKind::kWriterOnly, 0, 3, true, true},
      {"changeDataFeed", FeatureKind::kWriterOnly, 0, 4, true, true},
      {"generatedColumns", FeatureKind::kWriterOnly, 0, 4, true, true},
      {"columnMapping", FeatureKind::kReaderWriter, 2, 5, true, true},
      {"identityColumns", FeatureKind::kWriterOnly, 0, 6, true, false},
      {"deletionVectors", FeatureKind::kReaderWriter, 3, 7, true, true},
      {"rowTracking", FeatureKind::kWriterOnly, 0, 7, true, false},
      {"timestampNtz", FeatureKind::kReaderWriter, 3, 7, true, true},
      {"typeWidening", FeatureKind::kReaderWriter, 3, 7, true, true},
      {"typeWidening-preview", FeatureKind::kReaderWriter, 3, 7, true, false},
      {"domainMetadata", FeatureKind::kWriterOnly, 0, 7, true, true},
      {"v2Checkpoint", FeatureKind::kReaderWriter, 3, 7, true, true},
      {"icebergCompatV1", FeatureKind::kWriterOnly, 0, 7, true, false},
      {"icebergCompatV2", FeatureKind::kWriterOnly, 0, 7, true, false},
      {"clustering", FeatureKind::kWriterOnly, 0, 7, true, false},
      {"vacuumProtocolCheck", FeatureKind::kReaderWriter, 3, 7, true, true},
      {"inCommitTimestamp", FeatureKind::kWriterOnly, 0, 7, true, true},
      {"allowColumnDefaults", FeatureKind::kWriterOnly, 0, 7, true, false},
      {"materializePartitionColumns", FeatureKind::kWriterOnly, 0, 7, true, false},
      // Known but not readable by us yet: the data needs decoding we do not implement, or the
      // content depends on a catalog we do not talk to.
      {"variantType", FeatureKind::kReaderWriter, 3, 7, false, false},
      {"variantType-preview", FeatureKind::kReaderWriter, 3, 7, false, false},
      {"variantShredding-preview", FeatureKind::kReaderWriter, 3, 7, false, false},
      {"catalogManaged", FeatureKind::kReaderWriter, 3, 7, false, false},
      {"catalogOwned-preview", FeatureKind::kReaderWriter, 3, 7, false, false},
      {"geospatial", FeatureKind::kReaderWriter, 3, 7, false, false},
      {"collations-preview", FeatureKind::kWriterOnly, 0, 7, true, false},
  };
  return kFeatures;
}

const TableFeature* FindFeature(std::string_view name) {
  for (const auto& f : KnownFeatures()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

namespace {
bool Contains(const std::optional<std::vector<std::string>>& list, std::string_view name) {
  return list && std::find(list->begin(), list->end(), name) != list->end();
}
}  // namespace

bool IsFeatureEnabled(const Protocol& protocol, std::string_view name) {
  if (Contains(protocol.reader_features, name) || Contains(protocol.writer_features, name)) return true;
  const TableFeature* f = FindFeature(name);
  if (f == nullptr) return false;
  // Legacy protocols imply the features of their versions (PROTOCOL.md "Table Features": a
  // version 3/7 protocol lists them explicitly instead).
  if (f->kind == FeatureKind::kReaderWriter) {
    return protocol.min_reader_version < 3 && f->min_reader_version <= protocol.min_reader_version &&
           protocol.min_writer_version < 7 && f->min_writer_version <= protocol.min_writer_version;
  }
  return protocol.min_writer_version < 7 && f->min_writer_version <= protocol.min_writer_version;
}

Status CheckReadSupported(const Protocol& protocol) {
  if (protocol.min_reader_version > kMaxReaderVersion) {
    return Status::Unsupported(fmt::format("table requires reader version {}; this reader supports up to {}",
                                           protocol.min_reader_version, kMaxReaderVersion));
  }
  if (protocol.min_reader_version == 3 && protocol.reader_features) {
    for (const auto& name : *protocol.reader_features) {
      const TableFeature* f = FindFeature(name);
      if (f == nullptr) {
        return Status::Unsupported(fmt::format("table requires unknown reader feature '{}'", name));
      }
      if (!f->read_supported) {
        return Status::Unsupported(fmt::format("table requires reader feature '{}', which this reader does not support", name));
      }
    }
  }
  return Status::OK();
}

Status CheckWriteSupported(const Protocol& protocol) {
  Status read = CheckReadSupported(protocol);
  if (!read.ok()) return read;
  if (protocol.min_writer_version > kMaxWriterVersion) {
    return Status::Unsupported(fmt::format("table requires writer version {}; this writer supports up to {}",
                                           protocol.min_writer_version, kMaxWriterVersion));
  }
  auto check = [](const std::optional<std::vector<std::string>>& list) -> Status {
    if (!list) return Status::OK();
    for (const auto& name : *list) {
      const TableFeature* f = FindFeature(name);
      if (f == nullptr) return Status::Unsupported(fmt::format("table requires unknown writer feature '{}'", name));
      if (!f->write_supported) {
        return Status::Unsupported(fmt::format("table requires writer feature '{}', which this writer does not support", name));
      }
    }
    return Status::OK();
  };
  if (protocol.min_writer_version == 7) {
    Status st = check(protocol.writer_features);
    if (!st.ok()) return st;
  } else {
    for (const auto& f : KnownFeatures()) {
      if (IsFeatureEnabled(protocol, f.name) && !f.write_supported) {
        return Status::Unsupported(fmt::format("table (writer version {}) requires writer feature '{}', which this writer does not support",
                                               protocol.min_writer_version, f.name));
      }
    }
  }
  return Status::OK();
}

Status ValidateProtocol(const Protocol& protocol) {
  if (protocol.min_reader_version < 1 || protocol.min_writer_version < 1) {
    return Status::CorruptData(fmt::format("invalid protocol: minReaderVersion {} / minWriterVersion {}",
                                           protocol.min_reader_version, protocol.min_writer_version));
  }
  return Status::OK();
}

}  // namespace delta::protocol
