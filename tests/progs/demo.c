/*
 * demo: the program the README quick start inspects. It builds two
 * recognisable structures, prints where they are, and exits 0:
 *
 *  - a linked list of 8 planet records in an anonymous private mmap; each
 *    record starts with the magic "PLANET!\0" (0x002154454e414c50 as a
 *    little-endian u64) and holds a name, an index and a mass;
 *  - a 16-bucket hash table of colour names on the heap (chained, each
 *    entry a malloc'd block holding the name and its RGB value).
 *
 * Try: ptinspect --batch -ex status -ex 'find "PLANET!"' -ex 'x LIST 64'
 * with the list address the demo prints.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEMO_MAGIC "PLANET!"
#define DEMO_BUCKETS 16

struct demo_record {
	char magic[8];
	struct demo_record *next;
	uint32_t index;
	uint32_t moons;
	double mass_earths;
	char name[16];
};

struct demo_colour {
	struct demo_colour *next;
	uint32_t rgb;
	char name[20];
};

static const struct {
	const char *name;
	uint32_t moons;
	double mass;
} demo_planets[] = {
	{ "mercury", 0, 0.055 }, { "venus", 0, 0.815 },
	{ "earth", 1, 1.0 },     { "mars", 2, 0.107 },
	{ "jupiter", 95, 317.8 }, { "saturn", 146, 95.2 },
	{ "uranus", 28, 14.5 },  { "neptune", 16, 17.1 },
};

static const struct {
	const char *name;
	uint32_t rgb;
} demo_colours[] = {
	{ "red", 0xff0000 },	{ "green", 0x00ff00 }, { "blue", 0x0000ff },
	{ "cyan", 0x00ffff },	{ "magenta", 0xff00ff }, { "yellow", 0xffff00 },
	{ "orange", 0xffa500 }, { "purple", 0x800080 }, { "teal", 0x008080 },
	{ "navy", 0x000080 },
};

static unsigned demo_hash(const char *s);
static struct demo_record *demo_build_list(void);
static struct demo_colour **demo_build_table(void);

/* FNV-1a, folded to the bucket count. */
static unsigned demo_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % DEMO_BUCKETS;
}

static struct demo_record *demo_build_list(void)
{
	size_t n = sizeof(demo_planets) / sizeof(demo_planets[0]);
	struct demo_record *recs, *head = NULL;
	size_t i;

	recs = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (recs == MAP_FAILED)
		return NULL;
	/* Built back to front so the list runs mercury .. neptune. */
	for (i = n; i-- > 0;) {
		struct demo_record *r = &recs[i];

		memcpy(r->magic, DEMO_MAGIC, sizeof(r->magic));
		r->next = head;
		r->index = (uint32_t)i;
		r->moons = demo_planets[i].moons;
		r->mass_earths = demo_planets[i].mass;
		snprintf(r->name, sizeof(r->name), "%s", demo_planets[i].name);
		head = r;
	}
	return head;
}

static struct demo_colour **demo_build_table(void)
{
	size_t n = sizeof(demo_colours) / sizeof(demo_colours[0]);
	struct demo_colour **table;
	size_t i;

	table = calloc(DEMO_BUCKETS, sizeof(*table));
	if (table == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		struct demo_colour *c = calloc(1, sizeof(*c));
		unsigned b = demo_hash(demo_colours[i].name);

		if (c == NULL)
			return NULL;
		c->rgb = demo_colours[i].rgb;
		snprintf(c->name, sizeof(c->name), "%s", demo_colours[i].name);
		c->next = table[b];
		table[b] = c;
	}
	return table;
}

int main(void)
{
	struct demo_record *list = demo_build_list();
	struct demo_colour **table = demo_build_table();
	struct demo_record *r;
	int used = 0, i;

	if (list == NULL || table == NULL) {
		perror("demo");
		return 1;
	}
	for (i = 0; i < DEMO_BUCKETS; i++)
		used += table[i] != NULL;
	printf("demo: pid %d\n", (int)getpid());
	printf("planet list at %p (anonymous mmap), records of %zu bytes "
	       "starting \"%s\":\n ", (void *)list, sizeof(*list), DEMO_MAGIC);
	for (r = list; r != NULL; r = r->next)
		printf(" %s", r->name);
	printf("\ncolour table at %p (heap), %zu colours in %d buckets "
	       "(%d in use)\n", (void *)table,
	       sizeof(demo_colours) / sizeof(demo_colours[0]), DEMO_BUCKETS,
	       used);
	return 0;
}
