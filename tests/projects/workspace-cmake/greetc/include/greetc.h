#ifndef GREETC_H
#define GREETC_H
/* Writes "hello, <who><punctuation> (greetc <version>)" into out. */
void greetc_greet(const char *who, char *out, unsigned long size);
const char *greetc_punctuation(void);
const char *greetc_version(void);
#endif
