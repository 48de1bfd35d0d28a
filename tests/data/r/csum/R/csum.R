csum <- function(x) .Call(C_csum, as.integer(x))
