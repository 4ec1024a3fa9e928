build/obj/tests/unit/test_config.o: tests/unit/test_config.c \
 common/config.h
common/config.h:
