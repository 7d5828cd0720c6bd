// JSON field names of the Delta log (PROTOCOL.md "Actions"), in one place for the parser, the
// writer and the checkpoint reader (checkpoint Parquet columns use the same names).
// Thread-safety: constants only.
#pragma once

#include <string_view>

namespace delta::protocol {

// Action kinds.
inline constexpr std::string_view kAdd = "add";
inline constexpr std::string_view kRemove = "remove";
inline constexpr std::string_view kMetaData = "metaData";
inline constexpr std::string_view kProtocol = "protocol";
inline constexpr std::string_view kCommitInfo = "commitInfo";
inline constexpr std::string_view kTxn = "txn";
inline constexpr std::string_view kCdc = "cdc";
inline constexpr std::string_view kDomainMetadata = "domainMetadata";
inline constexpr std::string_view kCheckpointMetadata = "checkpointMetadata";
inline constexpr std::string_view kSidecar = "sidecar";

// Fields.
inline constexpr std::string_view kPath = "path";
inline constexpr std::string_view kPartitionValues = "partitionValues";
inline constexpr std::string_view kSize = "size";
inline constexpr std::string_view kModificationTime = "modificationTime";
inline constexpr std::string_view kDataChange = "dataChange";
inline constexpr std::string_view kStats = "stats";
inline constexpr std::string_view kTags = "tags";
inline constexpr std::string_view kDeletionVector = "deletionVector";
inline constexpr std::string_view kBaseRowId = "baseRowId";
inline constexpr std::string_view kDefaultRowCommitVersion = "defaultRowCommitVersion";
inline constexpr std::string_view kClusteringProvider = "clusteringProvider";
inline constexpr std::string_view kDeletionTimestamp = "deletionTimestamp";
inline constexpr std::string_view kExtendedFileMetadata = "extendedFileMetadata";
inline constexpr std::string_view kStorageType = "storageType";
inline constexpr std::string_view kPathOrInlineDv = "pathOrInlineDv";
inline constexpr std::string_view kOffset = "offset";
inline constexpr std::string_view kSizeInBytes = "sizeInBytes";
inline constexpr std::string_view kCardinality = "cardinality";
inline constexpr std::string_view kMaxRowIndex = "maxRowIndex";
inline constexpr std::string_view kId = "id";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kDescription = "description";
inline constexpr std::string_view kFormat = "format";
inline constexpr std::string_view kProvider = "provider";
inline constexpr std::string_view kOptions = "options";
inline constexpr std::string_view kSchemaString = "schemaString";
inline constexpr std::string_view kPartitionColumns = "partitionColumns";
inline constexpr std::string_view kCreatedTime = "createdTime";
inline constexpr std::string_view kConfiguration = "configuration";
inline constexpr std::string_view kMinReaderVersion = "minReaderVersion";
inline constexpr std::string_view kMinWriterVersion = "minWriterVersion";
inline constexpr std::string_view kReaderFeatures = "readerFeatures";
inline constexpr std::string_view kWriterFeatures = "writerFeatures";
inline constexpr std::string_view kTimestamp = "timestamp";
inline constexpr std::string_view kInCommitTimestamp = "inCommitTimestamp";
inline constexpr std::string_view kOperation = "operation";
inline constexpr std::string_view kIsBlindAppend = "isBlindAppend";
inline constexpr std::string_view kAppId = "appId";
inline constexpr std::string_view kVersion = "version";
inline constexpr std::string_view kLastUpdated = "lastUpdated";
inline constexpr std::string_view kDomain = "domain";
inline constexpr std::string_view kRemoved = "removed";

}  // namespace delta::protocol
