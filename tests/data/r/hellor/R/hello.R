hello <- function(name = "world") paste0("hello, ", name, " from hellor")
