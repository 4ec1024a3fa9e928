build/obj/common/daemon.o: common/daemon.c common/control.h common/msg.h \
 common/match.h common/order.h common/daemon.h common/config.h \
 common/log.h common/xalloc.h
common/control.h:
common/msg.h:
common/match.h:
common/order.h:
common/daemon.h:
common/config.h:
common/log.h:
common/xalloc.h:
