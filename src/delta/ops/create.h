// Creating Delta tables (version 0): the smallest protocol that covers the features the schema
// and the table properties use (PROTOCOL.md "Table Features"), a metaData action with a fresh
// table id, column mapping ids and physical names when a mapping mode is enabled, and a
// commitInfo "CREATE TABLE".
// Thread-safety: free functions without shared state; concurrent creates of one table are
// resolved by the log's put-if-absent (one wins, the others get AlreadyExists).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/columnar/type.h"
#include "delta/protocol/actions.h"
#include "delta/storage/object_store.h"
#include "delta/util/result.h"

namespace delta::ops {

struct CreateOptions {
  columnar::SchemaPtr schema;
  std::vector<std::string> partition_by;
  std::map<std::string, std::string> configuration;
  std::optional<std::string> name, description;
  enum class IfExists { kError, kIgnore } if_exists = IfExists::kError;
};

/// Creates the table at `uri` as version 0 and returns 0. When a table already exists:
/// AlreadyExists (IfExists::kError) or its current version (IfExists::kIgnore).
/// Errors: InvalidArgument for a missing/empty schema, duplicate column names, types without a
/// Delta equivalent, a partition column that is not a primitive column of the schema, or a
/// malformed property value; IOError from the store.
Result<int64_t> CreateTable(const std::string& uri, const CreateOptions& options,
                            const storage::StorageOptions& storage = {});

/// What a new table's first commit holds, shared by CreateTable and WriteTable.
struct NewTableActions {
  protocol::Protocol protocol;
  protocol::Metadata metadata;
  /// The schema as stored (column mapping metadata added when a mapping mode is on).
  columnar::SchemaPtr schema;
};

/// Validates the schema / partition columns / properties and builds the protocol and metaData
/// actions of a new table. Same InvalidArgument errors as CreateTable.
Result<NewTableActions> PrepareNewTable(const columnar::SchemaPtr& schema, const std::vector<std::string>& partition_by,
                                        const std::map<std::string, std::string>& configuration,
                                        const std::optional<std::string>& name,
                                        const std::optional<std::string>& description);

/// The smallest protocol covering the features used by `schema` and `configuration` (exposed
/// for schema evolution and tests).
protocol::Protocol MinimalProtocol(const columnar::Schema& schema, const std::map<std::string, std::string>& configuration);

/// Converts a columnar schema to types that have a Delta equivalent: large string/binary/list
/// to their 32-bit forms, fixed_size_binary to binary, unsigned integers to the next wider
/// signed type (uint64 to decimal(20,0)), timestamps to microseconds (zoned -> "UTC", no zone ->
/// timestamp_ntz), list elements named "element". InvalidArgument naming the column for types
/// without an equivalent (time, ...).
Result<columnar::SchemaPtr> NormalizeSchema(const columnar::Schema& schema);
Result<columnar::TypePtr> NormalizeType(const columnar::TypePtr& type, const std::string& path);

/// Under column mapping: gives every struct field (recursively) that has none a
/// delta.columnMapping.id (counting up from *max_column_id) and a physicalName "col-<uuid>";
/// *max_column_id is updated.
columnar::SchemaPtr AssignColumnMapping(const columnar::Schema& schema, int64_t* max_column_id);

/// A random (version 4) UUID in the canonical 8-4-4-4-12 hex form.
std::string RandomUuid();

/// Milliseconds since the epoch.
int64_t NowMs();

}  // namespace delta::ops
