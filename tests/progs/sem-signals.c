/*
 * sem-signals: memory calls keep their meaning while signals rain on the
 * process. A 1 ms interval timer and a second thread sending SIGUSR1
 * interrupt a loop of mmap, fill, mremap, madvise, munmap and fork; the
 * handlers map and unmap memory themselves (raw system calls) and check
 * it. Every call must succeed with the right effect, and every handler run
 * must see fresh zeros.
 */
#include "sem.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <sys/time.h>

#define ROUNDS 1000
#define LEN ((size_t)256 << 10)

static volatile sig_atomic_t handler_runs, handler_bad;
static volatile int stop_kicker;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char *p = (unsigned char *)syscall(SYS_mmap, NULL, 8192,
		PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if ((long)p < 0 && (long)p > -4096) {
		handler_bad = 1;
	} else {
		if (p[0] != 0 || p[4096] != 0)
			handler_bad = 2;
		p[0] = p[4096] = 0x77;
		if (syscall(SYS_munmap, p, 8192) != 0)
			handler_bad = 3;
	}
	handler_runs++;
	errno = saved;
}

static void *kicker(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;

	while (!stop_kicker) {
		pthread_kill(main_thread, SIGUSR1);
		usleep(1000);
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	pthread_t th, self = pthread_self();

	sem_watchdog(240);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sem_syscall_ok(setitimer(ITIMER_REAL, &it, NULL), "setitimer",
		       "setitimer");
	sem_check(pthread_create(&th, NULL, kicker, &self) == 0,
		  "pthread_create", "failed");

	for (int i = 0; i < ROUNDS; i++) {
		unsigned char *p = sem_map(LEN, PROT_READ | PROT_WRITE);

		sem_expect_zero("fresh memory reads zeros under signals", p,
				LEN);
		sem_fill(p, LEN, i + 1);
		p = mremap(p, LEN, 2 * LEN, MREMAP_MAYMOVE);
		sem_check(p != MAP_FAILED, "mremap under signals", "%s",
			  strerror(errno));
		sem_verify("mremap under signals keeps the bytes", p, LEN,
			   i + 1);
		sem_expect_zero("mremap under signals grows with zeros",
				p + LEN, LEN);
		sem_syscall_ok(madvise(p, LEN, MADV_DONTNEED),
			       "madvise under signals", "madvise");
		sem_expect_zero("DONTNEED under signals zeroes", p, LEN);
		sem_fill(p, 2 * LEN, i + 2);
		if (i % 100 == 0) {
			pid_t pid = sem_fork();

			if (pid == 0) {
				sem_verify("child of a fork under signals",
					   p, 2 * LEN, i + 2);
				sem_fill(p, 2 * LEN, 5);
				_exit(0);
			}
			sem_wait_status(pid, 0, "child of a fork under "
					"signals passes");
			sem_verify("fork under signals keeps the parent's bytes",
				   p, 2 * LEN, i + 2);
		}
		sem_unmap(p, 2 * LEN);
		sem_check(!handler_bad, "mmap in a signal handler", "failure "
			  "%d", (int)handler_bad);
	}
	stop_kicker = 1;
	pthread_join(th, NULL);
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	sem_check(handler_runs > 100, "signals were delivered", "only %d",
		  (int)handler_runs);
	return 0;
}
