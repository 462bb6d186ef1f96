/*
 * symbols.c: code address -> function+offset, file:line and module, with
 * elfutils libdwfl, cached per address.
 *
 * Why libdwfl: one library reads .symtab and .dynsym, finds separate debug
 * files by build-id and .gnu_debuglink (/usr/lib/debug, Debian's -dbg and
 * -dbgsym packages), and decodes DWARF line tables. So static functions and
 * stripped system libraries get their real names wherever debug information
 * is installed, which libunwind's own _UPT_get_proc_name (.symtab/.dynsym of
 * the mapped file only, and one file open per call) cannot do.
 *
 * The module list comes from /proc/PID/maps (dwfl_linux_proc_report); ELF
 * and DWARF are opened lazily, the first time an address in a module is
 * looked up, through /proc/PID/map_files when the path no longer names
 * the mapped file. For a process that is gone it comes from its core file
 * instead (dwfl_core_file_report: the NT_FILE mappings and the link_map,
 * files found by build id, then by path; symbols_new_core). Results are
 * kept in an open-addressing hash table keyed by the address (and whether
 * it is a return address); the strings are copies, so a refresh that
 * drops modules leaves the cache valid.
 *
 * If DEBUGINFOD_URLS is set, libdw may ask those servers for missing debug
 * files, as gdb and eu-stack do; that is the user's choice.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "symbols.h"
#include "util.h"

struct sym_entry {
	uint64_t key;	/* pc << 1 | return_address; 0: free slot */
	struct sym_info info;
};

struct symbols {
	pid_t pid;		/* 0 for a core */
	Elf *core;		/* the core file's, for a core */
	Dwfl *dwfl;
	struct sym_entry *table;
	size_t size;		/* slots, a power of two */
	size_t used;
	/* A reader's cache of the modules' DWARF (symbols_cache_slot). */
	void *cache;
	void (*cache_free)(void *);
};

static int symbols_report(struct symbols *s, char **errp);
static int symbols_find_elf(Dwfl_Module *mod, void **userdata,
    const char *name, Dwarf_Addr base, char **file_name, Elf **elfp);
static void symbols_resolve(struct symbols *s, uint64_t pc,
    bool return_address, struct sym_info *info);
static void symbols_inlines(Dwfl_Module *mod, uint64_t addr,
    struct sym_info *info);
static void symbols_last_stmt(Dwfl_Module *mod, uint64_t addr,
    struct sym_info *info);
static char *symbols_call_site(Dwarf_Die *cu, Dwarf_Die *die, int *line);
static char *symbols_source_path(const char *dir, const char *name);
static void symbols_clean_path(char *path);
static void symbols_grow(struct symbols *s);
static struct sym_entry *symbols_slot(struct sym_entry *table, size_t size,
    uint64_t key);
static void symbols_free_info(struct sym_info *info);
struct symbols_search;
static bool symbols_module_is(const char *modname, const char *want);
static bool symbols_type_ok(const struct symbols_search *q,
    const GElf_Sym *sym);

static char *symbols_debuginfo_path;

/* The process whose modules libdwfl may be opening (one at a time). */
static pid_t symbols_pid;

static const Dwfl_Callbacks symbols_callbacks = {
	.find_elf = symbols_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &symbols_debuginfo_path,
};

static const Dwfl_Callbacks symbols_core_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &symbols_debuginfo_path,
};

struct symbols *
symbols_new(pid_t pid, char **errp)
{
	struct symbols *s;

	s = xcalloc(1, sizeof *s);
	s->pid = pid;
	s->dwfl = dwfl_begin(&symbols_callbacks);
	if (s->dwfl == NULL) {
		set_error(errp, "libdwfl: %s", dwfl_errmsg(-1));
		free(s);
		return NULL;
	}
	if (symbols_report(s, errp) == -1) {
		symbols_free(s);
		return NULL;
	}
	s->size = 256;
	s->table = xcalloc(s->size, sizeof *s->table);
	return s;
}

struct symbols *
symbols_new_core(int core_fd, const char *core_path, const char *exe,
    char **errp)
{
	struct symbols *s;

	s = xcalloc(1, sizeof *s);
	elf_version(EV_CURRENT);
	s->core = elf_begin(core_fd, ELF_C_READ_MMAP, NULL);
	if (s->core == NULL) {
		set_error(errp, "%s: libelf: %s", core_path, elf_errmsg(-1));
		free(s);
		return NULL;
	}
	s->dwfl = dwfl_begin(&symbols_core_callbacks);
	if (s->dwfl == NULL) {
		set_error(errp, "libdwfl: %s", dwfl_errmsg(-1));
		symbols_free(s);
		return NULL;
	}
	dwfl_report_begin(s->dwfl);
	if (dwfl_core_file_report(s->dwfl, s->core, exe) < 0 ||
	    dwfl_report_end(s->dwfl, NULL, NULL) != 0) {
		set_error(errp, "%s: libdwfl cannot read its modules: %s",
		    core_path, dwfl_errmsg(-1));
		symbols_free(s);
		return NULL;
	}
	s->size = 256;
	s->table = xcalloc(s->size, sizeof *s->table);
	return s;
}

void
symbols_free(struct symbols *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->size; i++) {
		if (s->table[i].key != 0)
			symbols_free_info(&s->table[i].info);
	}
	free(s->table);
	if (s->cache != NULL)
		s->cache_free(s->cache);
	if (s->dwfl != NULL)
		dwfl_end(s->dwfl);
	if (s->core != NULL)
		elf_end(s->core);
	free(s);
}

int
symbols_refresh(struct symbols *s, char **errp)
{
	if (s->core != NULL)
		return 0;	/* a core's modules never change */
	/* Modules may go: what the cache points into with them. */
	if (s->cache != NULL)
		s->cache_free(s->cache);
	s->cache = NULL;
	dwfl_report_begin(s->dwfl);
	return symbols_report(s, errp);
}

const struct sym_info *
symbols_lookup(struct symbols *s, uint64_t pc, bool return_address)
{
	struct sym_entry *e;
	uint64_t key = pc << 1 | (return_address ? 1 : 0);

	/* Key 0 marks a free slot; pc 0 is never code, resolve it uncached. */
	if (key == 0) {
		static const struct sym_info none;
		return &none;
	}
	symbols_pid = s->pid;
	e = symbols_slot(s->table, s->size, key);
	if (e->key == key)
		return &e->info;
	if ((s->used + 1) * 2 > s->size) {
		symbols_grow(s);
		e = symbols_slot(s->table, s->size, key);
	}
	e->key = key;
	s->used++;
	symbols_resolve(s, pc, return_address, &e->info);
	return &e->info;
}

/* (Re)reports the modules of /proc/PID/maps; ends a dwfl_report_begin. */
static int
symbols_report(struct symbols *s, char **errp)
{
	int r;

	symbols_pid = s->pid;
	r = dwfl_linux_proc_report(s->dwfl, s->pid);
	if (dwfl_report_end(s->dwfl, NULL, NULL) != 0 && r == 0)
		r = -1;
	if (r > 0)
		return set_error(errp, "/proc/%d/maps: %s", (int)s->pid,
		    strerror(r));
	if (r < 0)
		return set_error(errp, "/proc/%d/maps: %s", (int)s->pid,
		    dwfl_errmsg(-1));
	return 0;
}

/*
 * Opens a module's ELF file: by its path (libdwfl's own callback), else,
 * for a file deleted or replaced since it was mapped ("/x (deleted)"),
 * through /proc/PID/map_files/START-END of its first mapping.
 */
static int
symbols_find_elf(Dwfl_Module *mod, void **userdata, const char *name,
    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	unsigned long long start, end;
	char path[64], *maps, *line;
	int fd;

	fd = dwfl_linux_proc_find_elf(mod, userdata, name, base, file_name,
	    elfp);
	if (fd >= 0 || *elfp != NULL || name[0] != '/')
		return fd;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)symbols_pid);
	if ((maps = read_file_str(path, NULL)) == NULL)
		return -1;
	for (line = maps; line != NULL; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (sscanf(line, "%llx-%llx", &start, &end) == 2 &&
		    start == base)
			break;
	}
	free(maps);
	if (line == NULL)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/map_files/%llx-%llx",
	    (int)symbols_pid, start, end);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		*file_name = xstrdup(path);
	return fd;
}

static void
symbols_resolve(struct symbols *s, uint64_t pc, bool return_address,
    struct sym_info *info)
{
	uint64_t addr = return_address ? pc - 1 : pc;
	Dwfl_Module *mod;
	Dwfl_Line *line;
	GElf_Off off;
	GElf_Sym sym;
	const char *name;
	int lineno;

	memset(info, 0, sizeof *info);
	mod = dwfl_addrmodule(s->dwfl, addr);
	if (mod == NULL)
		return;
	name = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	if (name != NULL && strncmp(name, "[vdso", 5) == 0)
		info->module = xstrdup("[vdso]");	/* not "[vdso: PID]" */
	else if (name != NULL)
		info->module = xstrdup(name);
	name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	if (name != NULL && *name != '\0') {
		/* Drop a symbol version: __libc_start_main@@GLIBC_2.34. */
		info->function = xstrndup(name, strcspn(name, "@"));
		info->offset = off + (pc - addr);
		info->size = sym.st_size;
	}
	line = dwfl_module_getsrc(mod, addr);
	if (line != NULL &&
	    (name = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL))) {
		info->file = symbols_source_path(dwfl_line_comp_dir(line),
		    name);
		info->line = lineno;
		symbols_last_stmt(mod, addr, info);
	}
	symbols_inlines(mod, addr, info);
}

/*
 * Where several line-table rows start at addr (a function's opening brace
 * and its first statement, at -O2), gdb takes the last of them that is a
 * statement, the earlier ones being empty; libdwfl gives the first. Do as
 * gdb does, so `sym` and frame #0 agree with it.
 */
static void
symbols_last_stmt(Dwfl_Module *mod, uint64_t addr, struct sym_info *info)
{
	Dwarf_Die *cu;
	Dwarf_Lines *lines;
	Dwarf_Line *l;
	Dwarf_Addr bias, a;
	const char *name, *dir = NULL;
	Dwarf_Attribute attr;
	bool stmt;
	size_t n, i;
	int lineno, best = -1;

	cu = dwfl_module_addrdie(mod, addr, &bias);
	if (cu == NULL || dwarf_getsrclines(cu, &lines, &n) != 0)
		return;
	for (i = 0; i < n; i++) {
		l = dwarf_onesrcline(lines, i);
		if (l == NULL || dwarf_lineaddr(l, &a) != 0 ||
		    a != addr - bias)
			continue;
		if (dwarf_linebeginstatement(l, &stmt) == 0 && stmt)
			best = (int)i;
	}
	if (best < 0)
		return;
	l = dwarf_onesrcline(lines, (size_t)best);
	if (dwarf_lineno(l, &lineno) != 0 || lineno == info->line ||
	    (name = dwarf_linesrc(l, NULL, NULL)) == NULL)
		return;
	dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	free((char *)info->file);
	info->file = symbols_source_path(dir, name);
	info->line = lineno;
}

/*
 * Fills info->inlined from the DWARF scopes around addr: each
 * DW_TAG_inlined_subroutine up to the enclosing function. The location
 * found so far (the line table's, at addr) moves to the innermost inlined
 * call, and each call site to the frame outside it.
 */
static void
symbols_inlines(Dwfl_Module *mod, uint64_t addr, struct sym_info *info)
{
	struct sym_inline *in = NULL;
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Attribute attr;
	Dwarf_Addr bias;
	char *file = (char *)info->file;
	int n, i, line = info->line;
	size_t count = 0;
	const char *name;

	cu = dwfl_module_addrdie(mod, addr, &bias);
	if (cu == NULL || (n = dwarf_getscopes(cu, addr - bias, &scopes)) <= 0)
		return;
	for (i = 0; i < n && dwarf_tag(&scopes[i]) != DW_TAG_subprogram; i++) {
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		name = dwarf_formstring(dwarf_attr_integrate(&scopes[i],
		    DW_AT_name, &attr));
		in = xreallocarray(in, count + 1, sizeof *in);
		in[count].function = name != NULL ? xstrdup(name) : NULL;
		in[count].file = file;
		in[count++].line = line;
		file = symbols_call_site(cu, &scopes[i], &line);
	}
	free(scopes);
	info->inlined = in;
	info->ninlined = count;
	info->file = file;
	info->line = line;
}

/* The file and line an inlined call was made from (NULL, 0 if unknown). */
static char *
symbols_call_site(Dwarf_Die *cu, Dwarf_Die *die, int *line)
{
	Dwarf_Attribute attr;
	Dwarf_Files *files;
	Dwarf_Word index, lineno;
	const char *name;
	size_t nfiles;

	*line = 0;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_line, &attr),
	    &lineno) == 0)
		*line = (int)lineno;
	if (dwarf_formudata(dwarf_attr(die, DW_AT_call_file, &attr),
	    &index) != 0 || dwarf_getsrcfiles(cu, &files, &nfiles) != 0 ||
	    index >= nfiles ||
	    (name = dwarf_filesrc(files, index, NULL, NULL)) == NULL)
		return NULL;
	return symbols_source_path(dwarf_formstring(dwarf_attr(cu,
	    DW_AT_comp_dir, &attr)), name);
}

/*
 * A source file name, made absolute with the CU's directory dir, with "."
 * and "dir/.." folded: ./csu/../csu/libc-start.c is csu/libc-start.c.
 */
static char *
symbols_source_path(const char *dir, const char *name)
{
	char *path;

	if (name[0] == '/')
		dir = NULL;
	if (dir == NULL || *dir == '\0')
		path = xstrdup(name);
	else
		path = xstrfmt("%s/%s", dir, name);
	symbols_clean_path(path);
	return path;
}

/* Folds "." and "dir/.." components and repeated slashes, in place. */
static void
symbols_clean_path(char *path)
{
	char *copy = xstrdup(path), *in = copy, *out = path, *prev;
	bool absolute = path[0] == '/';
	size_t len;

	/* out holds the result so far: "/" or "", then "comp/" pieces. */
	if (absolute)
		out++;
	for (; *in != '\0'; in += len + (in[len] == '/')) {
		len = strcspn(in, "/");
		if (len == 0 || (len == 1 && in[0] == '.'))
			continue;
		if (len == 2 && in[0] == '.' && in[1] == '.') {
			/* The last "comp/" written, if any. */
			prev = out;
			if (prev > path + absolute) {
				prev--;
				while (prev > path + absolute &&
				    prev[-1] != '/')
					prev--;
			}
			if (prev < out && strncmp(prev, "../", 3) != 0) {
				out = prev;	/* dir/.. */
				continue;
			}
			if (absolute)
				continue;	/* /.. is / */
		}
		memcpy(out, in, len);
		out += len;
		*out++ = '/';
	}
	if (out > path + 1 && out[-1] == '/')
		out--;
	if (out == path)
		*out++ = '.';
	*out = '\0';
	free(copy);
}

static void
symbols_grow(struct symbols *s)
{
	struct sym_entry *table;
	size_t size = s->size * 2, i;

	table = xcalloc(size, sizeof *table);
	for (i = 0; i < s->size; i++) {
		if (s->table[i].key != 0)
			*symbols_slot(table, size, s->table[i].key) =
			    s->table[i];
	}
	free(s->table);
	s->table = table;
	s->size = size;
}

/* The slot holding key, or the free slot where it belongs. */
static struct sym_entry *
symbols_slot(struct sym_entry *table, size_t size, uint64_t key)
{
	/* Fibonacci hashing: code addresses differ mostly in low bits. */
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (size - 1);

	while (table[i].key != 0 && table[i].key != key)
		i = (i + 1) & (size - 1);
	return &table[i];
}

static void
symbols_free_info(struct sym_info *info)
{
	size_t i;

	for (i = 0; i < info->ninlined; i++) {
		free((char *)info->inlined[i].function);
		free((char *)info->inlined[i].file);
	}
	free((void *)info->inlined);
	free((char *)info->function);
	free((char *)info->file);
	free((char *)info->module);
}

struct symbols_search {
	const char *name;
	const char *module;	/* a module's path or file name, or NULL */
	bool any;		/* objects too, not only functions */
	bool found;
	uint64_t addr;
	char *path;
};

static int
symbols_function_cb(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr start, void *arg)
{
	struct symbols_search *q = arg;
	GElf_Sym sym;
	GElf_Addr addr;
	const char *name;
	int i, n;

	(void)userdata, (void)start;
	if (q->module != NULL && !symbols_module_is(modname, q->module))
		return DWARF_CB_OK;
	n = dwfl_module_getsymtab(mod);
	for (i = 1; i < n; i++) {
		name = dwfl_module_getsym_info(mod, i, &sym, &addr, NULL, NULL,
		    NULL);
		if (name != NULL && symbols_type_ok(q, &sym) &&
		    sym.st_shndx != SHN_UNDEF && strcmp(name, q->name) == 0) {
			q->found = true;
			q->addr = addr;
			return DWARF_CB_ABORT;
		}
	}
	return DWARF_CB_OK;
}

bool
symbols_find_function(struct symbols *s, const char *name, uint64_t *addr)
{
	struct symbols_search q = { .name = name };

	symbols_pid = s->pid;
	dwfl_getmodules(s->dwfl, symbols_function_cb, &q, 0);
	if (q.found)
		*addr = q.addr;
	return q.found;
}

bool
symbols_find_symbol(struct symbols *s, const char *name, uint64_t *addr)
{
	struct symbols_search q = { .name = name, .any = true };
	const char *at = strrchr(name, '@');
	char *base = NULL;

	/* "malloc@libc.so.6": the module after the last '@'. */
	if (at != NULL && at != name && at[1] != '\0') {
		base = xstrndup(name, (size_t)(at - name));
		q.name = base;
		q.module = at + 1;
	}
	symbols_pid = s->pid;
	dwfl_getmodules(s->dwfl, symbols_function_cb, &q, 0);
	if (q.found)
		*addr = q.addr;
	free(base);
	return q.found;
}

/* Whether the module modname (a path) is want: its path or file name. */
static bool
symbols_module_is(const char *modname, const char *want)
{
	const char *slash;

	if (modname == NULL)
		return false;
	if (strcmp(modname, want) == 0)
		return true;
	slash = strrchr(modname, '/');
	return slash != NULL && strcmp(slash + 1, want) == 0;
}

/* Functions, and with q->any data objects and indirect functions. */
static bool
symbols_type_ok(const struct symbols_search *q, const GElf_Sym *sym)
{
	int t = GELF_ST_TYPE(sym->st_info);

	if (t == STT_FUNC)
		return true;
	return q->any && (t == STT_OBJECT || t == STT_GNU_IFUNC);
}

static int
symbols_source_cb(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr start, void *arg)
{
	struct symbols_search *q = arg;
	Dwfl_Line **lines = NULL;
	const char *file;
	size_t n = 0;

	(void)userdata, (void)modname, (void)start;
	if (dwfl_module_getsrc_file(mod, q->name, 0, 0, &lines, &n) != 0 ||
	    n == 0) {
		free(lines);
		return DWARF_CB_OK;
	}
	file = dwfl_lineinfo(lines[0], NULL, NULL, NULL, NULL, NULL);
	if (file != NULL)
		q->path = symbols_source_path(dwfl_line_comp_dir(lines[0]),
		    file);
	free(lines);
	return q->path != NULL ? DWARF_CB_ABORT : DWARF_CB_OK;
}

char *
symbols_find_source(struct symbols *s, const char *name)
{
	struct symbols_search q = { .name = name };

	symbols_pid = s->pid;
	dwfl_getmodules(s->dwfl, symbols_source_cb, &q, 0);
	return q.path;
}

struct Dwfl *
symbols_dwfl(struct symbols *s)
{
	symbols_pid = s->pid;
	return s->dwfl;
}

void **
symbols_cache_slot(struct symbols *s, void (*free_fn)(void *))
{
	s->cache_free = free_fn;
	return &s->cache;
}

