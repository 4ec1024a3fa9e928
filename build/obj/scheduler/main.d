build/obj/scheduler/main.o: scheduler/main.c common/control.h \
 common/msg.h common/match.h common/order.h common/daemon.h \
 common/config.h common/db.h common/log.h common/net.h scheduler/plan.h \
 common/config.h common/xalloc.h
common/control.h:
common/msg.h:
common/match.h:
common/order.h:
common/daemon.h:
common/config.h:
common/db.h:
common/log.h:
common/net.h:
scheduler/plan.h:
common/config.h:
common/xalloc.h:
