build/obj/common/money.o: common/money.c common/log.h common/money.h
common/log.h:
common/money.h:
