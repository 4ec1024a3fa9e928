build/obj/common/eu.o: common/eu.c common/eu.h common/config.h
common/eu.h:
common/config.h:
