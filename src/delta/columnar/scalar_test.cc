#include "delta/columnar/scalar.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "delta/columnar/builder.h"
#include "support/matchers.h"

namespace delta::columnar {
namespace {

void RoundTrip(const Scalar& s, int64_t length = 5) {
  ASSERT_OK_AND_ASSIGN(auto arr, MakeArrayFromScalar(s, length));
  ASSERT_OK(arr->Validate());
  ASSERT_EQ(arr->length, length);
  ASSERT_TRUE(arr->type->Equals(*s.type));
  for (int64_t i = 0; i < length; ++i) {
    ASSERT_OK_AND_ASSIGN(auto back, GetScalar(*arr, i));
    EXPECT_TRUE(back.Equals(s)) << back.ToString() << " vs " << s.ToString() << " type " << s.type->ToString();
  }
}

TEST(ScalarTest, FactoriesAndToString) {
  EXPECT_EQ(Scalar::Bool(true).ToString(), "true");
  EXPECT_EQ(Scalar::Int64(-42).ToString(), "-42");
  EXPECT_EQ(Scalar::String("abc").ToString(), "'abc'");
  EXPECT_EQ(Scalar::Decimal(10, 2, -1234).ToString(), "-12.34");
  EXPECT_EQ(Scalar::Decimal(10, 3, 5).ToString(), "0.005");
  EXPECT_EQ(Scalar::Decimal(5, 0, 77).ToString(), "77");
  EXPECT_EQ(Scalar::Null(Int32()).ToString(), "null");
  EXPECT_EQ(Scalar::Int(Date32(), 0).ToString(), "1970-01-01");
  EXPECT_EQ(Scalar::Int(Date32(), 18629).ToString(), "2021-01-02");
  EXPECT_EQ(Scalar::Int(Date32(), -1).ToString(), "1969-12-31");
  EXPECT_EQ(Scalar::Int(Timestamp(TimeUnit::kMicro, "UTC"), 1609556645123456).ToString(), "2021-01-02 03:04:05.123456Z");
  EXPECT_EQ(Scalar::Int(Timestamp(TimeUnit::kMicro), -1).ToString(), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(Scalar::Float64(1.5).ToString(), "1.5");
  EXPECT_EQ(Scalar::Float64(std::nan("")).ToString(), "NaN");
  EXPECT_EQ((Scalar{Binary(), std::string("\x01\xff", 2)}).ToString(), "0x01FF");
  EXPECT_EQ(Scalar::Int(UInt64(), -1).ToString(), "18446744073709551615");
}

TEST(ScalarTest, Equals) {
  EXPECT_TRUE(Scalar::Int64(1).Equals(Scalar::Int64(1)));
  EXPECT_FALSE(Scalar::Int64(1).Equals(Scalar::Int64(2)));
  EXPECT_FALSE(Scalar::Int64(1).Equals(Scalar::Int(Int32(), 1)));
  EXPECT_TRUE(Scalar::Null(Int32()).Equals(Scalar::Null(Int32())));
  EXPECT_FALSE(Scalar::Null(Int32()).Equals(Scalar::Int(Int32(), 0)));
  EXPECT_TRUE(Scalar::Float64(std::nan("")).Equals(Scalar::Float64(std::nan(""))));
  EXPECT_FALSE(Scalar::Decimal(10, 2, 1).Equals(Scalar::Decimal(10, 3, 1)));
}

TEST(ScalarTest, MakeArrayRoundTripEveryPrimitive) {
  RoundTrip(Scalar::Bool(true), 13);
  RoundTrip(Scalar::Bool(false), 3);
  RoundTrip(Scalar::Int(Int8(), -128));
  RoundTrip(Scalar::Int(Int16(), 32767));
  RoundTrip(Scalar::Int(Int32(), -7));
  RoundTrip(Scalar::Int64(std::numeric_limits<int64_t>::min()));
  RoundTrip(Scalar::Int(UInt8(), 255));
  RoundTrip(Scalar::Int(UInt16(), 65535));
  RoundTrip(Scalar::Int(UInt32(), 4294967295LL));
  RoundTrip(Scalar::Int(UInt64(), -1));
  RoundTrip(Scalar{Float32(), 1.25});
  RoundTrip(Scalar::Float64(-2.5e300));
  RoundTrip(Scalar::Decimal(38, 5, -(static_cast<__int128>(1) << 100)));
  RoundTrip(Scalar::Int(Date32(), -719162));
  RoundTrip(Scalar::Int(Timestamp(TimeUnit::kMicro, "UTC"), 1234567890123456));
  RoundTrip(Scalar::Int(Timestamp(TimeUnit::kNano), -5));
  RoundTrip(Scalar::String("hello"));
  RoundTrip(Scalar::String(""));
  RoundTrip(Scalar{Binary(), std::string("\0\1\2", 3)});
  RoundTrip(Scalar{LargeUtf8(), std::string("large")});
  RoundTrip(Scalar{FixedSizeBinary(3), std::string("xyz")});
  RoundTrip(Scalar::Null(Int64()));
  RoundTrip(Scalar::Null(Utf8()));
  RoundTrip(Scalar::Null(Decimal128(5, 2)));
  RoundTrip(Scalar::Null(Null()));
  RoundTrip(Scalar::Int64(9), 0);
}

TEST(ScalarTest, MakeArrayValues) {
  ASSERT_OK_AND_ASSIGN(auto arr, MakeArrayFromScalar(Scalar::String("ab"), 3));
  EXPECT_EQ(arr->GetView(0), "ab");
  EXPECT_EQ(arr->GetView(2), "ab");
  ASSERT_OK_AND_ASSIGN(auto nulls, MakeArrayFromScalar(Scalar::Null(Int32()), 4));
  EXPECT_EQ(nulls->GetNullCount(), 4);
  ASSERT_OK_AND_ASSIGN(auto dec, MakeArrayFromScalar(Scalar::Decimal(10, 2, -1234), 2));
  EXPECT_EQ(GetDecimal128(*dec, 1), -1234);
}

TEST(ScalarTest, Errors) {
  ASSERT_RAISES(InvalidArgument, MakeArrayFromScalar(Scalar::Null(List(Int32())), 1));
  ASSERT_RAISES(InvalidArgument, MakeArrayFromScalar(Scalar{Int32(), std::string("x")}, 1));
  ASSERT_RAISES(InvalidArgument, MakeArrayFromScalar(Scalar{FixedSizeBinary(4), std::string("x")}, 1));
  ASSERT_RAISES(InvalidArgument, MakeArrayFromScalar(Scalar::Int64(1), -1));
  Int32Builder b;
  ASSERT_OK(b.Append(1));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto arr, b.Finish());
  ASSERT_OK_AND_ASSIGN(auto s0, GetScalar(*arr, 0));
  EXPECT_TRUE(s0.Equals(Scalar::Int(Int32(), 1)));
  ASSERT_OK_AND_ASSIGN(auto s1, GetScalar(*arr, 1));
  EXPECT_TRUE(s1.is_null());
  ASSERT_RAISES(InvalidArgument, GetScalar(*arr, 2));
  ASSERT_RAISES(InvalidArgument, GetScalar(*arr, -1));
  auto sliced = arr->Slice(1, 1);
  ASSERT_OK_AND_ASSIGN(auto s2, GetScalar(*sliced, 0));
  EXPECT_TRUE(s2.is_null());
}

}  // namespace
}  // namespace delta::columnar
