build/obj/common/msg.o: common/msg.c common/msg.h common/match.h \
 common/order.h common/xalloc.h
common/msg.h:
common/match.h:
common/order.h:
common/xalloc.h:
