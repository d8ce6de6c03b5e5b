/* The loop of pipelines.models.sparse_scorer.feature_matrix, compiled.
 *
 * rows(vocabulary, split, X) -> (data, indices, indptr): the CSR buffers (float64, int32,
 * int64, native byte order) of the feature rows X over vocabulary, exactly as the Python loop
 * `_python_rows` builds them; sparse_scorer wraps them in a scipy matrix. The Python loop is
 * the specification and the fallback where this module is not built (no C compiler, a served
 * model's copied code); tests/test_feature_rows.py checks the two agree.
 *
 * A row is a list of feature names (each worth 1) or a mapping: a string value is the one-hot
 * name "key=value" (looked up as split[key][value], no string is built), a number keeps its
 * value under "key". Names the vocabulary lacks are ignored.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    char *p;
    Py_ssize_t n, cap;
} Buffer;

static int put(Buffer *b, const void *x, Py_ssize_t size) {
    if (b->n + size > b->cap) {
        Py_ssize_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + size) cap *= 2;
        char *p = PyMem_Realloc(b->p, cap);
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, x, size);
    b->n += size;
    return 0;
}

/* 1 and the column of `name` in `columns` (a dict), 0 if absent, -1 on error */
static int column(PyObject *columns, PyObject *name, int32_t *out) {
    PyObject *i = PyDict_GetItemWithError(columns, name); /* borrowed */
    if (i == NULL) return PyErr_Occurred() ? -1 : 0;
    long c = PyLong_AsLong(i);
    if (c == -1 && PyErr_Occurred()) return -1;
    if (c < 0 || c > INT32_MAX) {
        PyErr_Format(PyExc_OverflowError, "column %ld does not fit a 32-bit index", c);
        return -1;
    }
    *out = (int32_t)c;
    return 1;
}

typedef struct {
    Buffer indices, indptr, weight_at, weight;
} Rows;

static int put_column(Rows *r, int32_t c) { return put(&r->indices, &c, sizeof c); }

static int list_row(Rows *r, PyObject *vocabulary, PyObject *row) {
    for (Py_ssize_t j = 0; j < PyList_GET_SIZE(row); j++) {
        int32_t c;
        int found = column(vocabulary, PyList_GET_ITEM(row, j), &c);
        if (found < 0 || (found && put_column(r, c) < 0)) return -1;
    }
    return 0;
}

static int pair(Rows *r, PyObject *vocabulary, PyObject *split, PyObject *key, PyObject *value) {
    int32_t c;
    PyObject *values = PyDict_GetItemWithError(split, key); /* borrowed */
    if (values == NULL && PyErr_Occurred()) return -1;
    if (values != NULL) {
        if (!PyDict_Check(values)) {
            PyErr_SetString(PyExc_TypeError, "split maps a key to a dict of values");
            return -1;
        }
        int found = column(values, value, &c);
        if (found) return found < 0 ? -1 : put_column(r, c);
    }
    if (PyUnicode_CheckExact(value)) return 0; /* a string value the vocabulary lacks */
    int found = column(vocabulary, key, &c);
    if (found <= 0) return found;
    PyObject *one = PyFloat_FromDouble(1.0);
    if (one == NULL) return -1;
    int differs = PyObject_RichCompareBool(value, one, Py_NE);
    Py_DECREF(one);
    if (differs < 0) return -1;
    if (differs) {
        PyObject *as_float = PyNumber_Float(value); /* Python's float(value) */
        if (as_float == NULL) return -1;
        double w = PyFloat_AS_DOUBLE(as_float);
        Py_DECREF(as_float);
        int64_t at = r->indices.n / (Py_ssize_t)sizeof(int32_t);
        if (put(&r->weight_at, &at, sizeof at) < 0 || put(&r->weight, &w, sizeof w) < 0) return -1;
    }
    return put_column(r, c);
}

static int mapping_row(Rows *r, PyObject *vocabulary, PyObject *split, PyObject *row) {
    if (PyDict_CheckExact(row)) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(row, &pos, &key, &value)) {
            /* held: comparing or converting a value runs the caller's Python code */
            Py_INCREF(key);
            Py_INCREF(value);
            int failed = pair(r, vocabulary, split, key, value);
            Py_DECREF(key);
            Py_DECREF(value);
            if (failed) return -1;
        }
        return 0;
    }
    PyObject *items = PyMapping_Items(row); /* a list of (key, value) tuples */
    if (items == NULL) return -1;
    for (Py_ssize_t j = 0; j < PyList_GET_SIZE(items); j++) {
        PyObject *kv = PyList_GET_ITEM(items, j);
        if (!PyTuple_Check(kv) || PyTuple_GET_SIZE(kv) != 2) {
            PyErr_SetString(PyExc_TypeError, "a mapping's items() must give (key, value) pairs");
            Py_DECREF(items);
            return -1;
        }
        if (pair(r, vocabulary, split, PyTuple_GET_ITEM(kv, 0), PyTuple_GET_ITEM(kv, 1)) < 0) {
            Py_DECREF(items);
            return -1;
        }
    }
    Py_DECREF(items);
    return 0;
}

static PyObject *csr_buffers(Rows *r) {
    Py_ssize_t nnz = r->indices.n / (Py_ssize_t)sizeof(int32_t);
    PyObject *data = PyByteArray_FromStringAndSize(NULL, nnz * (Py_ssize_t)sizeof(double));
    if (data == NULL) return NULL;
    double *d = (double *)PyByteArray_AS_STRING(data);
    for (Py_ssize_t j = 0; j < nnz; j++) d[j] = 1.0; /* most features are present/absent */
    const int64_t *at = (const int64_t *)r->weight_at.p;
    const double *w = (const double *)r->weight.p;
    for (Py_ssize_t j = 0; j < r->weight.n / (Py_ssize_t)sizeof(double); j++) d[at[j]] = w[j];
    PyObject *indices = PyByteArray_FromStringAndSize(r->indices.p ? r->indices.p : "",
                                                      r->indices.n);
    PyObject *indptr = PyByteArray_FromStringAndSize(r->indptr.p, r->indptr.n);
    if (indices == NULL || indptr == NULL) {
        Py_DECREF(data);
        Py_XDECREF(indices);
        Py_XDECREF(indptr);
        return NULL;
    }
    return Py_BuildValue("(NNN)", data, indices, indptr);
}

static PyObject *rows(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *vocabulary, *split, *X;
    if (!PyArg_ParseTuple(args, "O!O!O:rows", &PyDict_Type, &vocabulary, &PyDict_Type, &split, &X))
        return NULL;
    PyObject *it = PyObject_GetIter(X);
    if (it == NULL) return NULL;
    Rows r;
    memset(&r, 0, sizeof r);
    PyObject *result = NULL, *row;
    int64_t end = 0;
    if (put(&r.indptr, &end, sizeof end) < 0) goto done;
    while ((row = PyIter_Next(it)) != NULL) {
        int failed = PyList_CheckExact(row) ? list_row(&r, vocabulary, row)
                                            : mapping_row(&r, vocabulary, split, row);
        Py_DECREF(row);
        end = r.indices.n / (Py_ssize_t)sizeof(int32_t);
        if (failed || put(&r.indptr, &end, sizeof end) < 0) goto done;
    }
    if (!PyErr_Occurred()) result = csr_buffers(&r);
done:
    Py_DECREF(it);
    PyMem_Free(r.indices.p);
    PyMem_Free(r.indptr.p);
    PyMem_Free(r.weight_at.p);
    PyMem_Free(r.weight.p);
    return result;
}

static PyMethodDef methods[] = {
    {"rows", rows, METH_VARARGS,
     "rows(vocabulary, split, X) -> (data, indices, indptr): CSR buffers (float64, int32, "
     "int64) of the feature rows X; see pipelines.models.sparse_scorer.feature_matrix."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_feature_rows",
    .m_doc = "The compiled loop of pipelines.models.sparse_scorer.feature_matrix.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__feature_rows(void) { return PyModule_Create(&module); }
