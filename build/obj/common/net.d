build/obj/common/net.o: common/net.c common/log.h common/net.h \
 common/msg.h common/match.h common/order.h common/xalloc.h
common/log.h:
common/net.h:
common/msg.h:
common/match.h:
common/order.h:
common/xalloc.h:
