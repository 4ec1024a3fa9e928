build/obj/scheduler/plan.o: scheduler/plan.c common/db.h common/log.h \
 scheduler/plan.h common/config.h common/xalloc.h
common/db.h:
common/log.h:
scheduler/plan.h:
common/config.h:
common/xalloc.h:
