// Python values into our builders. Numbers arrive as numpy buffers and are copied in bulk; object
// columns are walked value by value (that is Python's cost, not ours), each value checked
// against the column's Delta type so that a wrong value is an error naming the column and row,
// never a silent coercion.
#include "from_python.h"

#include <Python.h>
#include <datetime.h>
#include <pybind11/numpy.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "common.h"
#include "delta/columnar/bridge.h"
#include "delta/columnar/builder.h"
#include "delta/schema/schema_json.h"
#include "delta/util/bit_util.h"
#include "delta/util/civil_time.h"

namespace delta::python {

namespace {

using columnar::ArrayBuilder;
using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::TypeId;

void EnsureDateTimeApi() {
  if (PyDateTimeAPI == nullptr) {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == nullptr) throw py::error_already_set();
  }
}

[[noreturn]] void Fail(PyObject* exc, const std::string& where, const std::string& what) {
  PyErr_SetString(exc, (where + ": " + what).c_str());
  throw py::error_already_set();
}

std::string TypeName(PyObject* o) { return Py_TYPE(o)->tp_name; }

int64_t ToInt64(PyObject* o, int64_t lo, int64_t hi, const std::string& where) {
  if (PyBool_Check(o) || PyFloat_Check(o) || !PyIndex_Check(o)) {
    Fail(PyExc_TypeError, where, "expected an integer, got " + TypeName(o));
  }
  py::object idx = py::reinterpret_steal<py::object>(PyNumber_Index(o));
  if (!idx) throw py::error_already_set();
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(idx.ptr(), &overflow);
  if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
  if (overflow != 0 || v < lo || v > hi) {
    Fail(PyExc_ValueError, where, "integer " + py::str(o).cast<std::string>() + " does not fit the column's type");
  }
  return v;
}

__int128 ParseInt128(const std::string& s, const std::string& where) {
  __int128 v = 0;
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (i == s.size()) Fail(PyExc_ValueError, where, "invalid decimal '" + s + "'");
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') Fail(PyExc_ValueError, where, "invalid decimal '" + s + "'");
    v = v * 10 + (s[i] - '0');
  }
  return neg ? -v : v;
}

int64_t DatetimeToMicros(PyObject* o, bool to_utc, const std::string& where) {
  int64_t days = util::DaysFromCivil(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
  int64_t secs = days * 86400 + PyDateTime_DATE_GET_HOUR(o) * 3600 + PyDateTime_DATE_GET_MINUTE(o) * 60 +
                 PyDateTime_DATE_GET_SECOND(o);
  int64_t micros = secs * 1000000 + PyDateTime_DATE_GET_MICROSECOND(o);
  if (to_utc) {
    py::object off = py::reinterpret_steal<py::object>(PyObject_CallMethod(o, "utcoffset", nullptr));
    if (!off) throw py::error_already_set();
    if (!off.is_none()) {
      if (!PyDelta_Check(off.ptr())) Fail(PyExc_TypeError, where, "utcoffset() is not a timedelta");
      int64_t off_us = (static_cast<int64_t>(PyDateTime_DELTA_GET_DAYS(off.ptr())) * 86400 +
                        PyDateTime_DELTA_GET_SECONDS(off.ptr())) * 1000000 +
                       PyDateTime_DELTA_GET_MICROSECONDS(off.ptr());
      micros -= off_us;
    }
  }
  return micros;
}

void Append(ArrayBuilder* b, PyObject* o, const std::string& where);

void AppendStructFromDict(columnar::StructBuilder* sb, PyObject* o, const std::string& where) {
  if (!PyDict_Check(o)) Fail(PyExc_TypeError, where, "expected a dict for a struct, got " + TypeName(o));
  const auto& fields = sb->type()->children();
  Py_ssize_t matched = 0;
  for (int c = 0; c < sb->num_children(); ++c) {
    const std::string& name = fields[static_cast<size_t>(c)]->name;
    PyObject* v = PyDict_GetItemString(o, name.c_str());  // borrowed
    if (v != nullptr) ++matched;
    Append(sb->child(c), v == nullptr ? Py_None : v, where + "." + name);
  }
  if (matched != PyDict_Size(o)) {
    Fail(PyExc_ValueError, where, "dict has keys that are not fields of the struct (" + py::str(o).cast<std::string>() + ")");
  }
  Check(sb->Append(true));
}

void Append(ArrayBuilder* b, PyObject* o, const std::string& where) {
  if (o == Py_None || (PyFloat_Check(o) && std::isnan(PyFloat_AS_DOUBLE(o)) && b->type()->id() != TypeId::kFloat32 &&
                       b->type()->id() != TypeId::kFloat64)) {
    Check(b->AppendNull());
    return;
  }
  const auto& t = *b->type();
  switch (t.id()) {
    case TypeId::kBool: {
      if (!PyBool_Check(o) && std::string(Py_TYPE(o)->tp_name) != "numpy.bool_") {
        Fail(PyExc_TypeError, where, "expected a bool, got " + TypeName(o));
      }
      Check(static_cast<columnar::BooleanBuilder*>(b)->Append(PyObject_IsTrue(o) == 1));
      return;
    }
    case TypeId::kInt8:
      Check(static_cast<columnar::Int8Builder*>(b)->Append(static_cast<int8_t>(ToInt64(o, INT8_MIN, INT8_MAX, where))));
      return;
    case TypeId::kInt16:
      Check(static_cast<columnar::Int16Builder*>(b)->Append(static_cast<int16_t>(ToInt64(o, INT16_MIN, INT16_MAX, where))));
      return;
    case TypeId::kInt32:
      Check(static_cast<columnar::Int32Builder*>(b)->Append(static_cast<int32_t>(ToInt64(o, INT32_MIN, INT32_MAX, where))));
      return;
    case TypeId::kInt64:
      Check(static_cast<columnar::Int64Builder*>(b)->Append(ToInt64(o, INT64_MIN, INT64_MAX, where)));
      return;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      if (PyBool_Check(o) || !(PyFloat_Check(o) || PyLong_Check(o) || PyNumber_Check(o))) {
        Fail(PyExc_TypeError, where, "expected a number, got " + TypeName(o));
      }
      double d = PyFloat_AsDouble(o);
      if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
      if (t.id() == TypeId::kFloat32) {
        Check(static_cast<columnar::FloatBuilder*>(b)->Append(static_cast<float>(d)));
      } else {
        Check(static_cast<columnar::DoubleBuilder*>(b)->Append(d));
      }
      return;
    }
    case TypeId::kDate32: {
      EnsureDateTimeApi();
      if (!PyDate_Check(o)) Fail(PyExc_TypeError, where, "expected a datetime.date, got " + TypeName(o));
      int64_t days = util::DaysFromCivil(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
      Check(static_cast<columnar::Int32Builder*>(b)->Append(static_cast<int32_t>(days)));
      return;
    }
    case TypeId::kTimestamp: {
      EnsureDateTimeApi();
      if (!PyDateTime_Check(o)) Fail(PyExc_TypeError, where, "expected a datetime.datetime, got " + TypeName(o));
      int64_t us = DatetimeToMicros(o, !t.timezone().empty(), where);
      Check(static_cast<columnar::Int64Builder*>(b)->Append(us));
      return;
    }
    case TypeId::kDecimal128: {
      // Exact only: the value scaled by 10^scale must be an integer of at most `precision`
      // digits (Decimal, int or a numeric string; floats are refused as inexact).
      if (PyFloat_Check(o) || PyBool_Check(o)) Fail(PyExc_TypeError, where, "expected a decimal.Decimal, got " + TypeName(o));
      py::object dec = py::module_::import("decimal").attr("Decimal")(py::handle(o));
      py::object scaled = dec.attr("scaleb")(t.scale());
      py::object integral = scaled.attr("to_integral_value")();
      if (!scaled.equal(integral)) {
        Fail(PyExc_ValueError, where, "decimal " + py::str(o).cast<std::string>() + " has more than " +
                                          std::to_string(t.scale()) + " fractional digits");
      }
      std::string text = py::str(py::int_(integral)).cast<std::string>();
      size_t digits = text.size() - (text[0] == '-' ? 1 : 0);
      if (digits > static_cast<size_t>(t.precision())) {
        Fail(PyExc_ValueError, where, "decimal " + py::str(o).cast<std::string>() + " does not fit decimal(" +
                                          std::to_string(t.precision()) + "," + std::to_string(t.scale()) + ")");
      }
      Check(static_cast<columnar::Decimal128Builder*>(b)->Append(ParseInt128(text, where)));
      return;
    }
    case TypeId::kString:
    case TypeId::kLargeString: {
      if (!PyUnicode_Check(o)) Fail(PyExc_TypeError, where, "expected a str, got " + TypeName(o));
      Py_ssize_t n;
      const char* p = PyUnicode_AsUTF8AndSize(o, &n);
      if (p == nullptr) throw py::error_already_set();
      Check(static_cast<columnar::BinaryBuilder*>(b)->Append(std::string_view(p, static_cast<size_t>(n))));
      return;
    }
    case TypeId::kBinary:
    case TypeId::kLargeBinary: {
      if (!PyObject_CheckBuffer(o) || PyUnicode_Check(o)) Fail(PyExc_TypeError, where, "expected bytes, got " + TypeName(o));
      py::buffer_info info = py::reinterpret_borrow<py::buffer>(o).request();
      Check(static_cast<columnar::BinaryBuilder*>(b)->Append(
          std::string_view(static_cast<const char*>(info.ptr), static_cast<size_t>(info.size * info.itemsize))));
      return;
    }
    case TypeId::kStruct: {
      AppendStructFromDict(static_cast<columnar::StructBuilder*>(b), o, where);
      return;
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      if (PyUnicode_Check(o) || PyBytes_Check(o) || PyDict_Check(o)) {
        Fail(PyExc_TypeError, where, "expected a list, got " + TypeName(o));
      }
      py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(o, "expected a list"));
      if (!seq) throw py::error_already_set();
      auto* lb = static_cast<columnar::ListBuilder*>(b);
      Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
      PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
      // Append() opens the list at the child's current length; the elements follow.
      Check(lb->Append(true));
      for (Py_ssize_t j = 0; j < n; ++j) Append(lb->value_builder(), items[j], where + "[" + std::to_string(j) + "]");
      return;
    }
    case TypeId::kMap: {
      auto* mb = static_cast<columnar::MapBuilder*>(b);
      py::object pairs;
      if (PyDict_Check(o)) {
        pairs = py::reinterpret_steal<py::object>(PyDict_Items(o));
      } else {
        pairs = py::reinterpret_steal<py::object>(PySequence_List(o));
      }
      if (!pairs) throw py::error_already_set();
      Check(mb->Append(true));
      for (auto item : pairs) {
        py::tuple kv = py::reinterpret_borrow<py::object>(item).cast<py::tuple>();
        if (kv.size() != 2) Fail(PyExc_ValueError, where, "map entries must be (key, value) pairs");
        if (kv[0].is_none()) Fail(PyExc_ValueError, where, "map keys cannot be None");
        Append(mb->key_builder(), kv[0].ptr(), where + ".key");
        Append(mb->item_builder(), kv[1].ptr(), where + ".value");
      }
      return;
    }
    default:
      break;
  }
  Fail(PyExc_TypeError, where, "cannot write values of type " + t.ToString());
}

// Bits of a numpy bool array (one byte per value) into an Arrow validity bitmap (1 = valid).
Result<columnar::BufferPtr> ValidityFromMask(const bool* mask, int64_t n, int64_t* null_count) {
  DELTA_ASSIGN_OR_RAISE(auto buf, columnar::Buffer::Allocate(bit_util::BytesForBits(n), true));
  uint8_t* bits = buf->mutable_data();
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (mask[i]) {
      ++nulls;
    } else {
      bit_util::SetBit(bits, i);
    }
  }
  *null_count = nulls;
  return buf;
}

ArrayPtr PrimitiveColumn(const std::string& name, const columnar::TypePtr& type, const py::array& values,
                         const py::object& mask_obj) {
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = values.shape(0);
  int width = type->bit_width();
  if (values.ndim() != 1) throw py::value_error("column '" + name + "': expected a 1-d array");
  if (type->id() == TypeId::kBool) {
    if (values.itemsize() != 1) throw py::value_error("column '" + name + "': expected a bool array");
  } else if (width == 0 || values.itemsize() * 8 != width) {
    throw py::value_error("column '" + name + "': array of " + std::to_string(values.itemsize()) +
                          "-byte values for type " + type->ToString());
  }
  py::array contiguous = py::array::ensure(values, py::array::c_style);
  const uint8_t* p = static_cast<const uint8_t*>(contiguous.data());
  columnar::BufferPtr validity;
  if (!mask_obj.is_none()) {
    py::array_t<bool, py::array::c_style | py::array::forcecast> mask(mask_obj);
    if (mask.ndim() != 1 || mask.shape(0) != out->length) {
      throw py::value_error("column '" + name + "': the mask length differs from the values'");
    }
    validity = Unwrap(ValidityFromMask(mask.data(), out->length, &out->null_count));
    if (out->null_count == 0) validity = nullptr;
  }
  columnar::BufferPtr data;
  if (type->id() == TypeId::kBool) {
    data = Unwrap(columnar::Buffer::Allocate(bit_util::BytesForBits(out->length), true));
    uint8_t* bits = data->mutable_data();
    for (int64_t i = 0; i < out->length; ++i) {
      if (p[i]) bit_util::SetBit(bits, i);
    }
  } else {
    data = Unwrap(columnar::Buffer::CopyOf(
        std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(out->length * (width / 8)))));
  }
  out->buffers = {validity, data};
  return out;
}

}  // namespace

columnar::RecordBatchPtr BatchFromColumns(const py::list& columns) {
  std::vector<columnar::FieldPtr> fields;
  std::vector<ArrayPtr> arrays;
  int64_t rows = -1;
  for (auto item : columns) {
    py::tuple t = py::reinterpret_borrow<py::object>(item).cast<py::tuple>();
    if (t.size() != 5) throw py::value_error("internal: column tuples have 5 items");
    std::string name = t[0].cast<std::string>();
    std::string kind = t[1].cast<std::string>();
    std::string type_json = t[4].cast<std::string>();
    columnar::TypePtr type = Unwrap(schema::ParseDeltaTypeJson(type_json, name));
    ArrayPtr arr;
    if (kind == "primitive") {
      arr = PrimitiveColumn(name, type, t[2].cast<py::array>(), t[3]);
    } else if (kind == "object") {
      py::object seq = py::reinterpret_steal<py::object>(PySequence_Fast(t[2].ptr(), "expected a sequence"));
      if (!seq) throw py::error_already_set();
      auto builder = Unwrap(columnar::MakeBuilder(type));
      Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.ptr());
      PyObject** items = PySequence_Fast_ITEMS(seq.ptr());
      Check(builder->Reserve(n));
      for (Py_ssize_t i = 0; i < n; ++i) {
        Append(builder.get(), items[i], "column '" + name + "', row " + std::to_string(i));
      }
      arr = Unwrap(builder->Finish());
    } else {
      throw py::value_error("internal: unknown column kind '" + kind + "'");
    }
    if (rows >= 0 && arr->length != rows) throw py::value_error("column '" + name + "' has a different length");
    rows = arr->length;
    fields.push_back(columnar::MakeField(name, type, true));
    arrays.push_back(std::move(arr));
  }
  auto schema = std::make_shared<columnar::Schema>(std::move(fields));
  auto batch = Unwrap(columnar::MakeRecordBatch(schema, std::move(arrays)));
  Check(batch->Validate());
  return batch;
}

std::shared_ptr<columnar::RecordBatchReader> ReaderFromCapsule(const py::capsule& capsule) {
  const char* name = PyCapsule_GetName(capsule.ptr());
  if (name == nullptr || std::string(name) != "arrow_array_stream") {
    throw py::value_error("expected a PyCapsule named 'arrow_array_stream' from __arrow_c_stream__()");
  }
  auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream"));
  if (stream == nullptr) throw py::error_already_set();
  if (stream->release == nullptr) throw py::value_error("the Arrow stream was already consumed (released)");
  // The import moves the struct's contents and marks the capsule's copy released, so the
  // capsule's destructor will not release it a second time.
  return Unwrap(columnar::ImportRecordBatchReader(stream));
}

}  // namespace delta::python
