build/obj/common/order.o: common/order.c common/order.h common/xalloc.h
common/order.h:
common/xalloc.h:
