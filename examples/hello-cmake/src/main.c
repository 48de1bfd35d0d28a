void kiln_hello(void);

int main(void) {
    kiln_hello();
    return 0;
}
