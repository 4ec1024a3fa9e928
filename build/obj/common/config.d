build/obj/common/config.o: common/config.c common/config.h \
 common/xalloc.h
common/config.h:
common/xalloc.h:
