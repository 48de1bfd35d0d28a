#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>

SEXP csum(SEXP x) {
    int n = LENGTH(x), *v = INTEGER(x);
    double total = 0;
    for (int i = 0; i < n; i++) total += v[i];
    return ScalarReal(total);
}

static const R_CallMethodDef calls[] = {{"C_csum", (DL_FUNC) &csum, 1}, {NULL, NULL, 0}};

void R_init_csum(DllInfo *dll) {
    R_registerRoutines(dll, NULL, calls, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
}
