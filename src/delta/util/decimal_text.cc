#include "delta/util/decimal_text.h"

namespace delta::util {

void AppendDecimalText(std::string* out, __int128 unscaled, int32_t scale) {
  const bool neg = unscaled < 0;
  // Negated in unsigned arithmetic, so that the smallest __int128 is exact too.
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(unscaled)
                            : static_cast<unsigned __int128>(unscaled);
  char digits[48];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  } while (u != 0);
  while (n <= scale) digits[n++] = '0';  // at least one digit before the point
  if (neg) out->push_back('-');
  for (int i = n - 1; i >= 0; --i) {
    out->push_back(digits[i]);
    if (scale > 0 && i == scale) out->push_back('.');
  }
  if (scale < 0 && !(n == 1 && digits[0] == '0')) out->append(static_cast<size_t>(-static_cast<int64_t>(scale)), '0');
}

}  // namespace delta::util
