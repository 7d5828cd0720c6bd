#include "delta/util/status.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "delta/util/macros.h"
#include "delta/util/result.h"
#include "support/matchers.h"

namespace delta {
namespace {

TEST(StatusTest, OkAndErrors) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), StatusCode::kOk);
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_EQ(ok.message(), "");
  Status st = Status::CorruptData("bad page");
  EXPECT_FALSE(st.ok());
  EXPECT_TRUE(st.IsCorruptData());
  EXPECT_FALSE(st.IsIOError());
  EXPECT_EQ(st.message(), "bad page");
  EXPECT_EQ(st.ToString(), "CorruptData: bad page");
  EXPECT_TRUE(Status::NotFound("x").IsNotFound());
  EXPECT_TRUE(Status::AlreadyExists("x").IsAlreadyExists());
  EXPECT_TRUE(Status::Unsupported("x").IsUnsupported());
  EXPECT_TRUE(Status::InvalidArgument("x").IsInvalidArgument());
  EXPECT_EQ(Status::CommitConflict("x").code(), StatusCode::kCommitConflict);
  EXPECT_EQ(Status::OutOfMemory("x").ToString(), "OutOfMemory: x");
  EXPECT_EQ(Status::Internal("x").ToString(), "Internal: x");
  EXPECT_TRUE(Status(StatusCode::kOk, "ignored").ok());
  EXPECT_STREQ(StatusCodeName(StatusCode::kIOError), "IOError");
}

TEST(StatusTest, CopyMoveAndContext) {
  Status st = Status::IOError("cannot read");
  Status copy = st;
  EXPECT_EQ(copy.ToString(), st.ToString());
  Status moved = std::move(copy);
  EXPECT_EQ(moved.message(), "cannot read");
  Status assigned;
  assigned = st;
  EXPECT_TRUE(assigned.IsIOError());
  assigned = Status::OK();
  EXPECT_TRUE(assigned.ok());
  EXPECT_EQ(st.WithContext("file a.parquet").message(), "cannot read (file a.parquet)");
  EXPECT_EQ(st.WithPrefix("column b").message(), "column b: cannot read");
  EXPECT_TRUE(st.WithContext("x").IsIOError());
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
  EXPECT_TRUE(Status::OK().WithPrefix("x").ok());
}

Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}

Status HalfTwice(int v, int* out) {
  DELTA_ASSIGN_OR_RAISE(int h, Half(v));
  DELTA_ASSIGN_OR_RAISE(*out, Half(h));
  return Status::OK();
}

Status Chain(bool fail) {
  DELTA_RETURN_NOT_OK(fail ? Status::NotFound("missing") : Status::OK());
  return Status::AlreadyExists("reached the end");
}

Status ChainCtx() {
  DELTA_RETURN_NOT_OK_CTX(Status::CorruptData("short read"), "column c");
  return Status::OK();
}

TEST(ResultTest, ValueAndError) {
  Result<int> r = 4;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
  EXPECT_EQ(r.ValueOrDie(), 4);
  EXPECT_TRUE(r.status().ok());
  Result<int> e = Status::CorruptData("x");
  EXPECT_FALSE(e.ok());
  EXPECT_TRUE(e.status().IsCorruptData());
  EXPECT_EQ(std::move(e).ValueOr(9), 9);
  Result<int> from_ok = Status::OK();  // a programming error, reported rather than hidden
  EXPECT_FALSE(from_ok.ok());
  EXPECT_EQ(from_ok.status().code(), StatusCode::kInternal);
  Result<std::unique_ptr<int>> up = std::make_unique<int>(3);
  std::unique_ptr<int> taken = std::move(up).ValueOrDie();
  EXPECT_EQ(*taken, 3);
  Result<std::string> s = "abc";  // converting constructor
  EXPECT_EQ(s->size(), 3u);
}

TEST(ResultTest, Macros) {
  int out = 0;
  ASSERT_OK(HalfTwice(8, &out));
  EXPECT_EQ(out, 2);
  out = -1;
  ASSERT_RAISES(InvalidArgument, HalfTwice(6, &out));  // 6 -> 3 -> odd
  EXPECT_EQ(out, -1);
  ASSERT_RAISES(InvalidArgument, HalfTwice(5, &out));
  ASSERT_RAISES(NotFound, Chain(true));
  ASSERT_RAISES(AlreadyExists, Chain(false));
  Status st = ChainCtx();
  EXPECT_EQ(st.ToString(), "CorruptData: short read (column c)");
}

}  // namespace
}  // namespace delta
