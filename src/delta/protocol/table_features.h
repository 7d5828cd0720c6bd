// Table features as data (PROTOCOL.md "Table Features"): one row per feature with its kind, the
// legacy protocol versions that imply it, and whether this library can read / write tables that
// use it. Adding support for a feature is changing one row; an unknown feature name is refused
// automatically, with a message that names it.
// Thread-safety: immutable tables and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "delta/protocol/actions.h"
#include "delta/util/status.h"

namespace delta::protocol {

enum class FeatureKind { kReaderWriter, kWriterOnly };

struct TableFeature {
  std::string_view name;
  FeatureKind kind;
  int min_reader_version;  // legacy protocol version that implies it (readers), 0 for writer-only
  int min_writer_version;  // legacy protocol version that implies it (writers)
  bool read_supported;     // we return exactly the table's content when it is in use
  bool write_supported;
};

/// Every feature we know, in the protocol's order.
const std::vector<TableFeature>& KnownFeatures();
/// The row of a feature, or nullptr for an unknown name.
const TableFeature* FindFeature(std::string_view name);

/// Whether the protocol enables a feature, explicitly (readerFeatures / writerFeatures of a
/// version 3/7 protocol) or implicitly (the legacy versions that imply it).
bool IsFeatureEnabled(const Protocol& protocol, std::string_view name);

/// OK when this library can read the table's data: reader version at most 3, and every reader
/// feature known and supported. Unsupported naming the feature or version otherwise.
Status CheckReadSupported(const Protocol& protocol);

/// Same for writes (writer version at most 7, every writer feature supported for writing).
Status CheckWriteSupported(const Protocol& protocol);

/// Structural validity of a protocol action (versions >= 1; feature lists present exactly when
/// the versions say so is tolerated both ways since writers differ). CorruptData when invalid.
Status ValidateProtocol(const Protocol& protocol);

}  // namespace delta::protocol
