#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* total(iterable) -> the sum of its integers, computed in C. */
static PyObject *total(PyObject *self, PyObject *arg) {
    PyObject *iter = PyObject_GetIter(arg);
    if (iter == NULL) {
        return NULL;
    }
    long long sum = 0;
    PyObject *item;
    while ((item = PyIter_Next(iter)) != NULL) {
        sum += PyLong_AsLongLong(item);
        Py_DECREF(item);
        if (PyErr_Occurred()) {
            Py_DECREF(iter);
            return NULL;
        }
    }
    Py_DECREF(iter);
    return PyLong_FromLongLong(sum);
}

static PyMethodDef methods[] = {
    {"total", total, METH_O, "Sum an iterable of integers."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fastsum", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fastsum(void) { return PyModule_Create(&module); }
