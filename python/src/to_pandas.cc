// Conversion of our columns to numpy arrays and Python objects (see to_pandas.h for the mapping).
// Numbers are copied in bulk with the GIL released, or not at all when a column is a single
// non-null chunk: numpy then views our buffer and a capsule keeps the ArrayData alive. Python
// objects (strings, decimals, nested values) can only be made with the GIL, so they are made per
// batch while the scan's background threads decode the next files.
#include "to_pandas.h"

#include "string_dedup.h"

#include <Python.h>
#include <datetime.h>
#include <pybind11/numpy.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include "delta/columnar/builder.h"
#include "delta/columnar/time_unit.h"
#include "delta/util/bit_util.h"
#include "delta/util/civil_time.h"
#include "delta/util/decimal_text.h"

namespace delta::python {

namespace {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::UnitsPerSecond;

// datetime.h defines PyDateTimeAPI per translation unit, so each one that uses it imports it.
void EnsureDateTimeApi() {
  if (PyDateTimeAPI == nullptr) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == nullptr) throw py::error_already_set();
  }
}

PyObject* Checked(PyObject* o) {
  if (o == nullptr) throw py::error_already_set();
  return o;
}

// ASCII text (the common case) is copied straight into a compact 1-byte str; anything else goes
// through the strict UTF-8 decoder, so invalid bytes raise UnicodeDecodeError instead of being
// replaced silently.
PyObject* MakeStr(const char* p, size_t n) {
  size_t i = 0;
  uint64_t high = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    high |= w;
  }
  for (; i < n; ++i) high |= static_cast<uint8_t>(p[i]);
  if ((high & 0x8080808080808080ULL) == 0) {
    PyObject* s = Checked(PyUnicode_New(static_cast<Py_ssize_t>(n), 127));
    std::memcpy(PyUnicode_1BYTE_DATA(s), p, n);
    return s;
  }
  return Checked(PyUnicode_DecodeUTF8(p, static_cast<Py_ssize_t>(n), "strict"));
}

}  // namespace

namespace {

PyObject* DecimalClass() {
  static PyObject* cls = nullptr;  // one reference kept for the life of the process
  if (cls == nullptr) {
    py::object c = py::module_::import("decimal").attr("Decimal");
    cls = c.release().ptr();
  }
  return cls;
}

PyObject* DateToPython(int64_t days) {
  EnsureDateTimeApi();
  int64_t y;
  unsigned m, d;
  util::CivilFromDays(days, &y, &m, &d);
  if (y < 1 || y > 9999) {
    PyErr_Format(PyExc_ValueError, "date %lld days from 1970-01-01 is outside datetime.date's range (years 1..9999)",
                 static_cast<long long>(days));
    throw py::error_already_set();
  }
  return Checked(PyDate_FromDate(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)));
}

PyObject* TimestampToPython(int64_t v, const columnar::DataType& t) {
  EnsureDateTimeApi();
  int64_t per_sec = UnitsPerSecond(t.unit());
  int64_t secs = util::FloorDiv(v, per_sec);
  int64_t frac = v - secs * per_sec;
  int64_t micros = per_sec >= 1000000 ? frac / (per_sec / 1000000) : frac * (1000000 / per_sec);
  int64_t days = util::FloorDiv(secs, 86400);
  int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  util::CivilFromDays(days, &y, &m, &d);
  if (y < 1 || y > 9999) {
    PyErr_Format(PyExc_ValueError, "timestamp %lld is outside datetime's range (years 1..9999)",
                 static_cast<long long>(v));
    throw py::error_already_set();
  }
  PyObject* tz = t.timezone().empty() ? Py_None : PyDateTime_TimeZone_UTC;
  return Checked(PyDateTimeAPI->DateTime_FromDateAndTime(static_cast<int>(y), static_cast<int>(m),
                                                         static_cast<int>(d), static_cast<int>(sod / 3600),
                                                         static_cast<int>((sod / 60) % 60), static_cast<int>(sod % 60),
                                                         static_cast<int>(micros), tz, PyDateTimeAPI->DateTimeType));
}

bool IsNestedKey(const columnar::DataType& t) { return t.is_nested(); }

}  // namespace

PyObject* ValueToPython(const ArrayData& a, int64_t i) {
  if (a.IsNull(i)) Py_RETURN_NONE;
  const auto& t = *a.type;
  switch (t.id()) {
    case TypeId::kNull: Py_RETURN_NONE;
    case TypeId::kBool: return Checked(PyBool_FromLong(a.GetBool(i) ? 1 : 0));
    case TypeId::kInt8: return Checked(PyLong_FromLong(a.values<int8_t>()[i]));
    case TypeId::kInt16: return Checked(PyLong_FromLong(a.values<int16_t>()[i]));
    case TypeId::kInt32: return Checked(PyLong_FromLong(a.values<int32_t>()[i]));
    case TypeId::kInt64: return Checked(PyLong_FromLongLong(a.values<int64_t>()[i]));
    case TypeId::kUInt8: return Checked(PyLong_FromUnsignedLong(a.values<uint8_t>()[i]));
    case TypeId::kUInt16: return Checked(PyLong_FromUnsignedLong(a.values<uint16_t>()[i]));
    case TypeId::kUInt32: return Checked(PyLong_FromUnsignedLong(a.values<uint32_t>()[i]));
    case TypeId::kUInt64: return Checked(PyLong_FromUnsignedLongLong(a.values<uint64_t>()[i]));
    case TypeId::kFloat32: return Checked(PyFloat_FromDouble(a.values<float>()[i]));
    case TypeId::kFloat64: return Checked(PyFloat_FromDouble(a.values<double>()[i]));
    case TypeId::kTime32: return Checked(PyLong_FromLong(a.values<int32_t>()[i]));
    case TypeId::kTime64: return Checked(PyLong_FromLongLong(a.values<int64_t>()[i]));
    case TypeId::kDate32: return DateToPython(a.values<int32_t>()[i]);
    case TypeId::kTimestamp: return TimestampToPython(a.values<int64_t>()[i], t);
    case TypeId::kDecimal128: {
      std::string text = util::DecimalText(columnar::GetDecimal128(a, i), t.scale());
      PyObject* s = Checked(PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size())));
      PyObject* r = PyObject_CallOneArg(DecimalClass(), s);
      Py_DECREF(s);
      return Checked(r);
    }
    case TypeId::kString:
    case TypeId::kLargeString: {
      std::string_view v = a.GetView(i);
      return MakeStr(v.data(), v.size());
    }
    case TypeId::kBinary:
    case TypeId::kLargeBinary: {
      std::string_view v = a.GetView(i);
      return Checked(PyBytes_FromStringAndSize(v.data(), static_cast<Py_ssize_t>(v.size())));
    }
    case TypeId::kFixedSizeBinary: {
      std::string_view v = a.GetFixed(i);
      return Checked(PyBytes_FromStringAndSize(v.data(), static_cast<Py_ssize_t>(v.size())));
    }
    case TypeId::kStruct: {
      py::dict d;
      for (size_t c = 0; c < a.children.size(); ++c) {
        py::object v = py::reinterpret_steal<py::object>(ValueToPython(*a.children[c], a.offset + i));
        d[py::str(t.children()[c]->name)] = v;
      }
      return d.release().ptr();
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      auto [b, e] = a.GetListRange(i);
      PyObject* list = Checked(PyList_New(static_cast<Py_ssize_t>(e - b)));
      for (int64_t j = b; j < e; ++j) {
        PyObject* v;
        try {
          v = ValueToPython(*a.children[0], j);
        } catch (...) {
          Py_DECREF(list);
          throw;
        }
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(j - b), v);
      }
      return list;
    }
    case TypeId::kMap: {
      auto [b, e] = a.GetListRange(i);
      const ArrayData& entries = *a.children[0];
      const ArrayData& keys = *entries.children[0];
      const ArrayData& items = *entries.children[1];
      if (IsNestedKey(*keys.type)) {
        py::list out;
        for (int64_t j = b; j < e; ++j) {
          py::object k = py::reinterpret_steal<py::object>(ValueToPython(keys, entries.offset + j));
          py::object v = py::reinterpret_steal<py::object>(ValueToPython(items, entries.offset + j));
          out.append(py::make_tuple(k, v));
        }
        return out.release().ptr();
      }
      py::dict out;
      for (int64_t j = b; j < e; ++j) {
        py::object k = py::reinterpret_steal<py::object>(ValueToPython(keys, entries.offset + j));
        py::object v = py::reinterpret_steal<py::object>(ValueToPython(items, entries.offset + j));
        out[k] = v;
      }
      return out.release().ptr();
    }
  }
  PyErr_Format(PyExc_TypeError, "cannot convert values of type %s to Python", t.ToString().c_str());
  throw py::error_already_set();
}

PandasConverter::PandasConverter(columnar::SchemaPtr schema, PandasOptions options, int64_t expected_rows)
    : schema_(std::move(schema)), options_(options), expected_rows_(std::max<int64_t>(0, expected_rows)) {
  for (const auto& f : schema_->fields()) {
    Column c;
    c.field = f;
    switch (f->type->id()) {
      case TypeId::kInt8: case TypeId::kInt16: case TypeId::kInt32: case TypeId::kInt64:
      case TypeId::kUInt8: case TypeId::kUInt16: case TypeId::kUInt32: case TypeId::kUInt64:
      case TypeId::kFloat32: case TypeId::kFloat64:
        c.kind = Kind::kNumeric;
        c.width = f->type->bit_width() / 8;
        break;
      case TypeId::kBool:
        c.kind = Kind::kBool;
        c.width = 1;
        break;
      case TypeId::kTimestamp:
        c.kind = Kind::kTimestamp;
        c.width = 8;
        break;
      case TypeId::kString:
      case TypeId::kLargeString:
        c.kind = Kind::kString;
        c.width = static_cast<int>(sizeof(PyObject*));
        c.dedup = std::make_unique<StringDeduper>();
        break;
      default:
        c.kind = Kind::kObject;
        if (expected_rows_ > 0) c.objects.reserve(static_cast<size_t>(expected_rows_));
        break;
    }
    columns_.push_back(std::move(c));
  }
}

PandasConverter::~PandasConverter() {
  for (auto& c : columns_) {
    for (PyObject* o : c.objects) Py_XDECREF(o);
    for (PyObject* o : c.uniques) Py_XDECREF(o);
    // Ids are not references: cleared so that numpy does not release them with the array.
    if (c.dedup && c.buffer && c.filled > 0) std::memset(c.buffer.mutable_data(), 0, static_cast<size_t>(c.filled * c.width));
  }
}

namespace {

py::dtype BufferDtype(TypeId id) {
  switch (id) {
    case TypeId::kInt8: return py::dtype::of<int8_t>();
    case TypeId::kInt16: return py::dtype::of<int16_t>();
    case TypeId::kInt32: return py::dtype::of<int32_t>();
    case TypeId::kInt64: return py::dtype::of<int64_t>();
    case TypeId::kUInt8: return py::dtype::of<uint8_t>();
    case TypeId::kUInt16: return py::dtype::of<uint16_t>();
    case TypeId::kUInt32: return py::dtype::of<uint32_t>();
    case TypeId::kUInt64: return py::dtype::of<uint64_t>();
    case TypeId::kFloat32: return py::dtype::of<float>();
    case TypeId::kFloat64: return py::dtype::of<double>();
    case TypeId::kBool: return py::dtype::of<bool>();
    case TypeId::kString:
    case TypeId::kLargeString: return py::dtype("O");  // filled with NULL until written
    default: return py::dtype::of<int64_t>();  // timestamps, raw
  }
}

}  // namespace

// The final arrays are allocated by numpy, which asks for transparent huge pages for large
// ones: filling fresh memory is a large part of a conversion, and huge pages halve it. With a
// row-count hint the array is allocated once; otherwise it grows geometrically.
void PandasConverter::Reserve(Column& c, int64_t rows) {
  if (rows <= c.capacity) return;
  int64_t cap = std::max({rows, 2 * c.capacity, expected_rows_, int64_t{1024}});
  py::array grown(BufferDtype(c.field->type->id()), {cap}, {});
  if (c.filled > 0) {
    std::memcpy(grown.mutable_data(), c.buffer.data(), static_cast<size_t>(c.filled * c.width));
    // Object slots (ids or references) now belong to the new array.
    if (c.kind == Kind::kString) std::memset(c.buffer.mutable_data(), 0, static_cast<size_t>(c.filled * c.width));
  }
  c.buffer = std::move(grown);
  c.capacity = cap;
}

void PandasConverter::CopyChunk(Column& c, const ArrayData& a) {
  int64_t n = a.length;
  uint8_t* out = static_cast<uint8_t*>(c.buffer.mutable_data()) + c.filled * c.width;
  if (c.kind == Kind::kBool) {
    for (int64_t i = 0; i < n; ++i) out[i] = a.GetBool(i) ? 1 : 0;
  } else if (n > 0) {
    std::memcpy(out, a.buffers[1]->data() + a.offset * c.width, static_cast<size_t>(n * c.width));
  }
  bool nulls = a.GetNullCountConst() > 0;
  if (nulls && !c.has_mask) {
    c.mask.assign(static_cast<size_t>(c.filled), 0);
    c.has_mask = true;
  }
  if (c.has_mask) {
    c.mask.resize(static_cast<size_t>(c.filled + n), 0);
    if (nulls) {
      uint8_t* m = c.mask.data() + c.filled;
      for (int64_t i = 0; i < n; ++i) m[i] = a.IsNull(i) ? 1 : 0;
    }
  }
  c.filled += n;
}

py::array PandasConverter::TakeBuffer(Column& c) {
  Reserve(c, 0 + std::max<int64_t>(c.filled, 1));  // an empty column still gets an array
  py::array out = c.buffer;
  c.buffer = py::array();
  c.capacity = 0;
  if (out.shape(0) == c.filled) return out;
  // A view of the filled rows; the untouched tail of the allocation was never faulted in.
  return out[py::slice(0, c.filled, 1)];
}

void PandasConverter::Append(const columnar::RecordBatchPtr& batch) {
  if (batch->num_columns() != static_cast<int>(columns_.size())) {
    throw py::value_error("a batch of the stream does not have the stream's schema");
  }
  for (size_t k = 0; k < columns_.size(); ++k) {
    Column& c = columns_[k];
    const ArrayPtr& a = batch->columns[k];
    if (a->type->id() != c.field->type->id()) {
      throw py::value_error("column '" + c.field->name + "' of a batch does not have the stream's type");
    }
    int64_t n = a->length;
    c.length += n;
    c.null_count += a->GetNullCount();
    if (c.kind == Kind::kNumeric || c.kind == Kind::kBool || c.kind == Kind::kTimestamp) {
      if (c.length == n && !c.first) {
        c.first = a;  // maybe the only chunk: kept for a zero-copy hand-over
        continue;
      }
      Reserve(c, c.length);
      {
        // Copied with the GIL released: another Python thread runs meanwhile.
        py::gil_scoped_release release;
        if (c.first) CopyChunk(c, *c.first);
        CopyChunk(c, *a);
      }
      c.first.reset();
      continue;
    }
    if (c.kind == Kind::kString) {
      AppendStrings(c, *a);
      continue;
    }
    for (int64_t i = 0; i < n; ++i) c.objects.push_back(ValueToPython(*a, i));
  }
}

// Deduplicated: the values' ids are written in place with the GIL released, then one str is made
// per new distinct value. When distinct values are many and rarely repeat (ids, free text), the
// table would only cost memory: the column is resolved and goes on with one str per row.
void PandasConverter::AppendStrings(Column& c, const ArrayData& a) {
  const int64_t n = a.length;
  Reserve(c, c.filled + n);
  PyObject** out = static_cast<PyObject**>(c.buffer.mutable_data()) + c.filled;
  int64_t i = 0;
  if (c.dedup) {
    const uint32_t before = c.dedup->size();
    try {
      py::gil_scoped_release release;
      i = c.dedup->Add(a, reinterpret_cast<uint64_t*>(out));
    } catch (...) {
      // Ids may have been written past `filled`: cleared, as numpy would release them.
      std::memset(static_cast<void*>(out), 0, static_cast<size_t>(n) * sizeof(PyObject*));
      throw;
    }
    c.filled += i;  // ids: cleared by the destructor if a str cannot be made below
    // Room first, so that push_back below cannot fail after MakeStr (geometric, as push_back's).
    if (c.uniques.capacity() < c.dedup->size()) c.uniques.reserve(std::max<size_t>(c.dedup->size(), 2 * c.uniques.capacity()));
    for (uint32_t id = before; id < c.dedup->size(); ++id) {
      std::string_view v = c.dedup->value(id);
      c.uniques.push_back(MakeStr(v.data(), v.size()));
    }
    if (!c.dedup->MostlyDistinct()) return;
    ResolveStrings(c);
  }
  for (; i < n; ++i) {
    if (a.IsNull(i)) {
      Py_INCREF(Py_None);
      out[i] = Py_None;
    } else {
      std::string_view v = a.GetView(i);
      out[i] = MakeStr(v.data(), v.size());
    }
    ++c.filled;  // counted per row: a failing str leaves only references behind
  }
}

void PandasConverter::ResolveStrings(Column& c) {
  if (!c.dedup) return;
  if (c.filled > 0) {
    PyObject** p = static_cast<PyObject**>(c.buffer.mutable_data());
    const uint64_t* ids = reinterpret_cast<const uint64_t*>(p);
    PyObject* const* uniques = c.uniques.data();
    const int64_t n = c.filled;
    {
      py::gil_scoped_release release;
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t id = ids[i];
        p[i] = id == StringDeduper::kNullId ? Py_None : uniques[id];
      }
    }
    // Every row is a reference: added per object at once. `uniques` gives its own back.
#if defined(Py_DEBUG) || defined(Py_GIL_DISABLED) || defined(Py_TRACE_REFS)
    // Builds whose reference counts are not one plain field: one Py_INCREF per row.
    for (int64_t i = 0; i < n; ++i) Py_INCREF(p[i]);
#else
    std::vector<uint64_t> uses;
    c.dedup->CollectUses(&uses);
    for (uint32_t id = 0; id < c.dedup->size(); ++id) {
      PyObject* o = c.uniques[id];
      Py_SET_REFCNT(o, Py_REFCNT(o) + static_cast<Py_ssize_t>(uses[id]));
    }
    Py_SET_REFCNT(Py_None, Py_REFCNT(Py_None) + static_cast<Py_ssize_t>(c.dedup->nulls()));
#endif
  }
  c.dedup.reset();
  for (PyObject* o : c.uniques) Py_DECREF(o);
  c.uniques = {};
}

namespace {

// A read-only numpy view of a chunk's values that keeps the chunk alive.
template <typename T>
py::array ZeroCopyView(const ArrayPtr& a) {
  auto* holder = new ArrayPtr(a);
  py::capsule base(holder, [](void* p) { delete static_cast<ArrayPtr*>(p); });
  py::array_t<T> out({a->length}, {static_cast<py::ssize_t>(sizeof(T))}, a->values<T>(), base);
  py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return out;
}

py::array MaskArray(const std::vector<uint8_t>& mask, int64_t n) {
  py::array_t<bool> out(n);
  if (n > 0) std::memcpy(out.mutable_data(), mask.data(), static_cast<size_t>(n));
  return out;
}

}  // namespace

template <typename T>
py::tuple PandasConverter::FinishNumeric(Column& c) {
  py::str name(c.field->name);
  if (c.first && c.null_count == 0) {
    py::array view = ZeroCopyView<T>(c.first);
    c.first.reset();
    return py::make_tuple(name, "numpy", view, py::none(), py::none());
  }
  if (c.first) {
    Reserve(c, c.length);
    CopyChunk(c, *c.first);
    c.first.reset();
  }
  int64_t n = c.filled;
  if (c.null_count == 0) return py::make_tuple(name, "numpy", TakeBuffer(c), py::none(), py::none());
  constexpr bool kFloat = std::is_floating_point_v<T>;
  if (kFloat) {
    // NaN marks nulls, as pandas does for float columns.
    T* v = static_cast<T*>(c.buffer.mutable_data());
    for (int64_t i = 0; i < n; ++i) {
      if (c.mask[static_cast<size_t>(i)]) v[i] = std::numeric_limits<T>::quiet_NaN();
    }
    return py::make_tuple(name, "numpy", TakeBuffer(c), py::none(), py::none());
  }
  if (!options_.masked_nullable) {
    // Integers with nulls: float64 with NaN (pyarrow's default to_pandas mapping).
    py::array_t<double> out(n);
    double* p = out.mutable_data();
    const T* v = static_cast<const T*>(c.buffer.data());
    {
      py::gil_scoped_release release;
      for (int64_t i = 0; i < n; ++i) {
        p[i] = c.mask[static_cast<size_t>(i)] ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(v[i]);
      }
    }
    return py::make_tuple(name, "numpy", out, py::none(), py::none());
  }
  py::array mask = MaskArray(c.mask, n);
  return py::make_tuple(name, "masked", TakeBuffer(c), mask, py::none());
}

py::tuple PandasConverter::FinishBool(Column& c) {
  py::str name(c.field->name);
  if (c.first) {
    Reserve(c, c.length);
    CopyChunk(c, *c.first);
    c.first.reset();
  }
  int64_t n = c.filled;
  if (c.null_count > 0 && !options_.masked_nullable) {
    py::array out(py::dtype("O"), {n}, {});
    PyObject** p = static_cast<PyObject**>(out.mutable_data());
    for (int64_t i = 0; i < n; ++i) {
      PyObject* v = c.mask[static_cast<size_t>(i)] ? Py_None : (static_cast<const uint8_t*>(c.buffer.data())[i] ? Py_True : Py_False);
      Py_INCREF(v);
      Py_XDECREF(p[i]);  // numpy fills new object arrays with NULL (or None)
      p[i] = v;
    }
    return py::make_tuple(name, "numpy", out, py::none(), py::none());
  }
  py::array values = TakeBuffer(c);
  if (c.null_count > 0) return py::make_tuple(name, "masked", values, MaskArray(c.mask, n), py::none());
  return py::make_tuple(name, "numpy", values, py::none(), py::none());
}

py::tuple PandasConverter::FinishTimestamp(Column& c) {
  py::str name(c.field->name);
  if (c.first) {
    Reserve(c, c.length);
    CopyChunk(c, *c.first);
    c.first.reset();
  }
  const auto& t = *c.field->type;
  int64_t n = c.filled;
  int64_t factor = 1000000000 / UnitsPerSecond(t.unit());
  int64_t* v = n > 0 ? static_cast<int64_t*>(c.buffer.mutable_data()) : nullptr;
  bool has_mask = c.has_mask;
  bool overflow = false;
  {
    py::gil_scoped_release release;
    for (int64_t i = 0; i < n && !overflow; ++i) {
      int64_t ns;
      if (has_mask && c.mask[static_cast<size_t>(i)]) continue;
      overflow = __builtin_mul_overflow(v[i], factor, &ns) || ns == std::numeric_limits<int64_t>::min();
    }
    if (!overflow) {
      for (int64_t i = 0; i < n; ++i) {
        v[i] = (has_mask && c.mask[static_cast<size_t>(i)]) ? std::numeric_limits<int64_t>::min()  // NaT
                                                             : v[i] * factor;
      }
    }
  }
  if (overflow) {
    // pandas (1.x) holds nanoseconds in int64: years 1677..2262. Rather than wrap or clip, the
    // column becomes datetime.datetime objects, which hold years 1..9999 exactly (to the us).
    py::array objs(py::dtype("O"), {n}, {});
    PyObject** op = static_cast<PyObject**>(objs.mutable_data());
    for (int64_t i = 0; i < n; ++i) {
      PyObject* o;
      if (has_mask && c.mask[static_cast<size_t>(i)]) {
        Py_INCREF(Py_None);
        o = Py_None;
      } else {
        o = TimestampToPython(v[i], t);
      }
      Py_XDECREF(op[i]);
      op[i] = o;
    }
    return py::make_tuple(name, "numpy", objs, py::none(), py::none());
  }
  py::object tz = t.timezone().empty() ? py::object(py::none()) : py::object(py::str(t.timezone()));
  return py::make_tuple(name, "datetime", TakeBuffer(c), py::none(), tz);
}

py::tuple PandasConverter::FinishColumn(Column& c) {
  switch (c.field->type->id()) {
    case TypeId::kInt8: return FinishNumeric<int8_t>(c);
    case TypeId::kInt16: return FinishNumeric<int16_t>(c);
    case TypeId::kInt32: return FinishNumeric<int32_t>(c);
    case TypeId::kInt64: return FinishNumeric<int64_t>(c);
    case TypeId::kUInt8: return FinishNumeric<uint8_t>(c);
    case TypeId::kUInt16: return FinishNumeric<uint16_t>(c);
    case TypeId::kUInt32: return FinishNumeric<uint32_t>(c);
    case TypeId::kUInt64: return FinishNumeric<uint64_t>(c);
    case TypeId::kFloat32: return FinishNumeric<float>(c);
    case TypeId::kFloat64: return FinishNumeric<double>(c);
    case TypeId::kBool: return FinishBool(c);
    case TypeId::kTimestamp: return FinishTimestamp(c);
    case TypeId::kString:
    case TypeId::kLargeString: {
      ResolveStrings(c);
      return py::make_tuple(py::str(c.field->name), "numpy", TakeBuffer(c), py::none(), py::none());
    }
    default: break;
  }
  py::array out(py::dtype("O"), {c.length}, {});
  PyObject** p = static_cast<PyObject**>(out.mutable_data());
  for (size_t i = 0; i < c.objects.size(); ++i) {
    Py_XDECREF(p[i]);
    p[i] = c.objects[i];  // ownership moves to the array
  }
  c.objects.clear();
  return py::make_tuple(py::str(c.field->name), "numpy", out, py::none(), py::none());
}

py::list PandasConverter::Finish() {
  py::list out;
  for (auto& c : columns_) out.append(FinishColumn(c));
  return out;
}

}  // namespace delta::python
