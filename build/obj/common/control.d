build/obj/common/control.o: common/control.c common/control.h \
 common/msg.h common/match.h common/order.h common/log.h common/net.h \
 common/xalloc.h
common/control.h:
common/msg.h:
common/match.h:
common/order.h:
common/log.h:
common/net.h:
common/xalloc.h:
