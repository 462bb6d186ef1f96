/*
 * dwarf-types.c: the DWARF side of dwarf-value.h: C types as DIEs (with
 * pointers added on top and synthetic base types), the index of every
 * module's global names, variables located at the frame's pc (the DWARF
 * expression stack machine, pieces included), and the bytes of a value.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "dwarf-value-int.h"
#include "symbols.h"
#include "util.h"

#define DWV_STACK 64		/* DWARF expression stack */

struct dwv_index;
struct dwv_entry;

static uint64_t dwv_pc(const struct dwv_env *env);
static int dwv_run_ops(const struct dwv_env *env, const Dwarf_Op *ops,
    size_t nops, Dwarf_Die *fn, bool have_fn, Dwarf_Addr bias,
    struct dwv_value *v, char **errp);
static bool dwv_var_named(Dwarf_Die *die, const char *name, bool params);
static uint64_t dwv_hash(const char *name, int class);
static struct dwv_entry *dwv_index_slot(struct dwv_index *ix, const char *name,
    int class);
static void dwv_index_add(struct dwv_index *ix, const char *name, int class,
    Dwarf_Die *die, Dwarf_Die *owner, Dwarf_Addr bias);
static int dwv_index_module(Dwfl_Module *mod, void **userdata,
    const char *modname, Dwarf_Addr base, void *arg);
static const struct dwv_entry *dwv_lookup(const struct dwv_env *env,
    const char *name, int class);
static bool dwv_frame_reg(const struct dwv_env *env, uint64_t regno,
    uint64_t *out);
static int dwv_entry_value(const struct dwv_env *env, const Dwarf_Op *op,
    uint64_t *out, char **errp);
static bool dwv_call_site(Dwarf_Die *scope, Dwarf_Addr ret, Dwarf_Die *out);
static bool dwv_calls(const struct dwv_env *cenv, Dwarf_Die *site,
    Dwarf_Die *fn, Dwarf_Addr entry, Dwarf_Die *cfn, Dwarf_Addr cbias);

struct dwv_value *
dwv_new(void)
{
	return xcalloc(1, sizeof(struct dwv_value));
}

void
dwv_free(struct dwv_value *v)
{
	if (v == NULL)
		return;
	free(v->bytes);
	free(v);
}

/* A scalar value of type t holding u (truncated to t's size). */
struct dwv_value *
dwv_int_value(const struct dwv_type *t, uint64_t u)
{
	struct dwv_value *v = dwv_new();
	uint64_t size = dwv_size(t);

	v->type = *t;
	v->place = DWV_BYTES;
	v->nbytes = size > 8 || size == 0 ? 8 : size;
	v->bytes = xmalloc(8);
	memcpy(v->bytes, &u, 8);
	return v;
}

bool
dwv_is_signed(const struct dwv_type *t)
{
	Dwarf_Die peeled;
	Dwarf_Word enc = 0;

	if (t->ptrs > 0)
		return false;
	if (!t->has_die)
		return t->enc == DW_ATE_signed || t->enc == DW_ATE_signed_char;
	peeled = t->die;
	dwarf_peel_type(&peeled, &peeled);
	if (dwarf_tag(&peeled) == DW_TAG_enumeration_type)
		return false;
	dwv_attr_int(&peeled, DW_AT_encoding, &enc);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

/* The part of v of type t that starts bit_pos bits into it. */
struct dwv_value *
dwv_sub(const struct dwv_value *v, const struct dwv_type *t,
    uint64_t bit_pos, unsigned bit_size)
{
	struct dwv_value *r = dwv_new();
	uint64_t size = dwv_size(t), off = bit_pos / 8;

	r->type = *t;
	r->place = v->place;
	r->bit_size = bit_size;
	r->bit_off = bit_size != 0 ? (unsigned)(bit_pos % 8) : 0;
	r->in_reg = v->in_reg;
	if (v->place == DWV_MEM) {
		r->addr = v->addr + off;
	} else if (v->place == DWV_BYTES) {
		if (bit_size != 0)
			size = (r->bit_off + bit_size + 7) / 8;
		if (off >= v->nbytes || size > v->nbytes - off) {
			r->place = DWV_OPTIMIZED;
		} else {
			r->nbytes = size;
			r->bytes = xmalloc(size != 0 ? size : 1);
			memcpy(r->bytes, v->bytes + off, size);
		}
	}
	return r;
}

void
dwv_type_of(Dwarf_Die *die, struct dwv_type *t)
{
	memset(t, 0, sizeof *t);
	t->die = *die;
	t->has_die = true;
}

static uint64_t
dwv_pc(const struct dwv_env *env)
{
	const struct sym_frame *f = env->frame;

	return f->return_address ? f->pc - 1 : f->pc;
}

const char *
dwv_die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
}

int
dwv_attr_int(Dwarf_Die *die, unsigned name, Dwarf_Word *out)
{
	Dwarf_Attribute attr;

	if (dwarf_attr_integrate(die, name, &attr) == NULL)
		return -1;
	return dwarf_formudata(&attr, out);
}

/* Whether die is a variable (or parameter) called name. */
static bool
dwv_var_named(Dwarf_Die *die, const char *name, bool params)
{
	int tag = dwarf_tag(die);
	const char *n;

	if (tag != DW_TAG_variable && !(params &&
	    tag == DW_TAG_formal_parameter))
		return false;
	n = dwv_die_name(die);
	return n != NULL && strcmp(n, name) == 0;
}

/*
 * The name index: every CU's top-level variables (with a location),
 * functions (with code), enumerators and named types of every module,
 * built on the first global lookup and kept in env->index (the symbol
 * cache's slot) until the modules change. Class 0 is a value (variable,
 * function, enumerator), else the DWARF tag of a type. The first of a
 * name and class wins, in libdwfl's module order.
 */
struct dwv_entry {
	const char *name;	/* in the DWARF string table */
	int class;
	Dwarf_Die die;
	Dwarf_Die owner;	/* an enumerator's enumeration type */
	Dwarf_Addr bias;
};

struct dwv_index {
	struct dwv_entry *slots;
	size_t size;		/* a power of two */
	size_t used;
	/*
	 * Modules are indexed one at a time, as lookups miss: where
	 * dwfl_getmodules goes on, and whether every module is in.
	 */
	ptrdiff_t next;
	bool complete;
	bool any_cu;		/* some module has DWARF */
};

static uint64_t
dwv_hash(const char *name, int class)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)class;

	while (*name != '\0')
		h = (h ^ (unsigned char)*name++) * 1099511628211ULL;
	return h;
}

static struct dwv_entry *
dwv_index_slot(struct dwv_index *ix, const char *name, int class)
{
	size_t i = (size_t)dwv_hash(name, class) & (ix->size - 1);

	while (ix->slots[i].name != NULL && (ix->slots[i].class != class ||
	    strcmp(ix->slots[i].name, name) != 0))
		i = (i + 1) & (ix->size - 1);
	return &ix->slots[i];
}

static void
dwv_index_add(struct dwv_index *ix, const char *name, int class,
    Dwarf_Die *die, Dwarf_Die *owner, Dwarf_Addr bias)
{
	struct dwv_entry *e, *old;
	size_t i, n;

	if ((ix->used + 1) * 2 > ix->size) {
		old = ix->slots;
		n = ix->size;
		ix->size = n != 0 ? n * 2 : 1024;
		ix->slots = xcalloc(ix->size, sizeof *ix->slots);
		ix->used = 0;
		for (i = 0; i < n; i++)
			if (old[i].name != NULL) {
				*dwv_index_slot(ix, old[i].name,
				    old[i].class) = old[i];
				ix->used++;
			}
		free(old);
	}
	e = dwv_index_slot(ix, name, class);
	if (e->name != NULL)
		return;
	e->name = name;
	e->class = class;
	e->die = *die;
	if (owner != NULL)
		e->owner = *owner;
	e->bias = bias;
	ix->used++;
}

static int
dwv_index_module(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, void *arg)
{
	struct dwv_index *ix = arg;
	Dwarf_Die *cu = NULL, child, en;
	Dwarf_Addr bias;
	const char *n;
	int tag;

	(void)userdata;
	(void)modname;
	(void)base;
	while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL) {
		ix->any_cu = true;
		if (dwarf_child(cu, &child) != 0)
			continue;
		do {
			tag = dwarf_tag(&child);
			if (tag == DW_TAG_enumeration_type &&
			    dwarf_child(&child, &en) == 0) {
				do {
					if (dwarf_tag(&en) ==
					    DW_TAG_enumerator &&
					    (n = dwarf_diename(&en)) != NULL)
						dwv_index_add(ix, n, 0, &en,
						    &child, bias);
				} while (dwarf_siblingof(&en, &en) == 0);
			}
			if ((n = dwarf_diename(&child)) == NULL ||
			    dwarf_hasattr(&child, DW_AT_declaration))
				continue;
			if ((tag == DW_TAG_variable && (dwarf_hasattr(&child,
			    DW_AT_location) || dwarf_hasattr(&child,
			    DW_AT_const_value))) || (tag == DW_TAG_subprogram &&
			    dwarf_hasattr(&child, DW_AT_low_pc)))
				dwv_index_add(ix, n, 0, &child, NULL, bias);
			else if (tag == DW_TAG_structure_type ||
			    tag == DW_TAG_union_type ||
			    tag == DW_TAG_enumeration_type ||
			    tag == DW_TAG_typedef || tag == DW_TAG_base_type)
				dwv_index_add(ix, n, tag, &child, NULL, bias);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return DWARF_CB_ABORT;	/* one module per call */
}

bool
dwv_have_debug_info(const struct dwv_env *env)
{
	const struct dwv_index *ix = *env->index;

	/* Only known once a lookup missed and indexed every module. */
	return ix == NULL || !ix->complete || ix->any_cu;
}

void
dwv_index_free(void *index)
{
	struct dwv_index *ix = index;

	if (ix == NULL)
		return;
	free(ix->slots);
	free(ix);
}

/* The entry for name in class, building the index first if need be. */
static const struct dwv_entry *
dwv_lookup(const struct dwv_env *env, const char *name, int class)
{
	struct dwv_index *ix = *env->index;
	const struct dwv_entry *e;

	if (ix == NULL) {
		ix = xcalloc(1, sizeof *ix);
		*env->index = ix;
	}
	for (;;) {
		if (ix->size != 0) {
			e = dwv_index_slot(ix, name, class);
			if (e->name != NULL)
				return e;
		}
		if (ix->complete)
			return NULL;
		ix->next = dwfl_getmodules(env->dwfl, dwv_index_module, ix,
		    ix->next);
		if (ix->next <= 0)
			ix->complete = true;
	}
}

/*
 * The selected frame's scopes at its pc, innermost first, the CU last:
 * its function, then the lexical blocks (and for an inlined frame the
 * inlined calls) holding pc, found by descending from the CU, because
 * dwarf_getscopes goes on from an inlined call into the inlined
 * function's abstract scopes and never reaches the function it was
 * inlined into. The count (0 without debug information at pc); free
 * *scopes.
 */
int
dwv_frame_scopes(const struct dwv_env *env, Dwarf_Die **scopes,
    Dwarf_Addr *bias)
{
	Dwarf_Die chain[DWV_MAX_DEPTH], *cu, child;
	Dwfl_Module *mod;
	uint64_t pc = dwv_pc(env);
	int n = 0, i, tag;
	bool deeper = true;

	*scopes = NULL;
	mod = dwfl_addrmodule(env->dwfl, pc);
	cu = mod != NULL ? dwfl_module_addrdie(mod, pc, bias) : NULL;
	if (cu == NULL)
		return 0;
	chain[n++] = *cu;
	pc -= *bias;
	while (deeper && n < DWV_MAX_DEPTH &&
	    dwarf_child(&chain[n - 1], &child) == 0) {
		deeper = false;
		do {
			tag = dwarf_tag(&child);
			if (n == 1 ? tag != DW_TAG_subprogram :
			    tag != DW_TAG_lexical_block &&
			    (tag != DW_TAG_inlined_subroutine ||
			    !env->frame->inlined))
				continue;
			if (dwarf_haspc(&child, pc) == 1) {
				chain[n++] = child;
				deeper = true;
				break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (n == 1)
		return 0;	/* no function's code holds pc */
	*scopes = xreallocarray(NULL, (size_t)n, sizeof **scopes);
	for (i = 0; i < n; i++)
		(*scopes)[i] = chain[n - 1 - i];
	return n;
}

/*
 * name in the selected frame's scopes (innermost first, then its CU),
 * then in every CU. *fn is the frame's function when the variable is
 * the frame's (for DW_AT_frame_base).
 */
bool
dwv_find_var(const struct dwv_env *env, const char *name, Dwarf_Die *var,
    Dwarf_Die *fn, bool *have_fn, Dwarf_Addr *bias)
{
	const struct dwv_entry *e;
	Dwarf_Die *scopes = NULL, child;
	int n, i, j;
	bool found = false;

	*have_fn = false;
	if (env->frame != NULL) {
		n = dwv_frame_scopes(env, &scopes, bias);
		for (i = 0; i < n && !found; i++) {
			if (dwarf_child(&scopes[i], &child) != 0)
				continue;
			do {
				if (dwv_var_named(&child, name, true)) {
					*var = child;
					found = true;
					break;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		for (j = 0; found && j < n; j++) {
			if (dwarf_tag(&scopes[j]) == DW_TAG_subprogram) {
				*fn = scopes[j];
				*have_fn = true;
				break;
			}
		}
		free(scopes);
		if (found)
			return true;
	}
	if ((e = dwv_lookup(env, name, 0)) == NULL)
		return false;
	*var = e->die;
	*bias = e->bias;
	if (dwarf_tag(var) == DW_TAG_enumerator)
		*fn = e->owner;
	return true;
}

/* A type by name: struct/union/enum tag, typedef or base type. */
bool
dwv_find_type(const struct dwv_env *env, const char *name, int tag,
    Dwarf_Die *out)
{
	const struct dwv_entry *e = dwv_lookup(env, name, tag);

	if (e != NULL)
		*out = e->die;
	return e != NULL;
}

/* Where var lives at the frame's pc (or, for a global, always). */
int
dwv_locate(const struct dwv_env *env, Dwarf_Die *var, Dwarf_Die *fn,
    bool have_fn, Dwarf_Addr bias, struct dwv_value *v, char **errp)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	Dwarf_Word u;
	Dwarf_Block block;
	size_t nops, size = (size_t)dwv_size(&v->type);
	uint64_t pc = env->frame != NULL ? dwv_pc(env) - bias : 0;
	int n;

	if (dwarf_attr_integrate(var, DW_AT_const_value, &attr) != NULL) {
		v->place = DWV_BYTES;
		if (dwarf_formblock(&attr, &block) == 0) {
			v->nbytes = block.length;
			v->bytes = xmalloc(block.length + 1);
			memcpy(v->bytes, block.data, block.length);
		} else if (dwarf_formudata(&attr, &u) == 0) {
			v->nbytes = size < 8 && size > 0 ? size : 8;
			v->bytes = xmalloc(8);
			memcpy(v->bytes, &u, 8);
		} else {
			v->place = DWV_OPTIMIZED;
		}
		return 0;
	}
	if (dwarf_attr_integrate(var, DW_AT_location, &attr) == NULL) {
		v->place = DWV_OPTIMIZED;
		return 0;
	}
	n = dwarf_getlocation_addr(&attr, pc, &ops, &nops, 1);
	if (n <= 0 || nops == 0) {
		v->place = DWV_OPTIMIZED;
		return 0;
	}
	return dwv_run_ops(env, ops, nops, fn, have_fn, bias, v, errp);
}

/* The frame's register regno (DWARF numbering), if known. */
static bool
dwv_frame_reg(const struct dwv_env *env, uint64_t regno, uint64_t *out)
{
	if (env->frame == NULL || env->frame->regs == NULL || regno > 16 ||
	    (env->frame->regs_known & 1u << regno) == 0)
		return false;
	*out = env->frame->regs[regno];
	return true;
}

/*
 * A DWARF location expression: the stack machine for the operations C
 * compilers emit for variables. Pieces are gathered into bytes.
 */
static int
dwv_run_ops(const struct dwv_env *env, const Dwarf_Op *ops, size_t nops,
    Dwarf_Die *fn, bool have_fn, Dwarf_Addr bias, struct dwv_value *v,
    char **errp)
{
	uint64_t st[DWV_STACK], a, b;
	size_t sp = 0, i, n;
	int ev;
	uint8_t *comp = NULL;
	size_t ncomp = 0;
	/* The current piece: 0 memory at the top of the stack, 1 register,
	 * 2 the stack's top as a value, 3 bytes of implicit_value. */
	int kind = 0;
	uint64_t regval = 0;
	const uint8_t *implicit = NULL;
	size_t nimplicit = 0;
	Dwarf_Attribute attr;
	Dwarf_Op *fbops;
	size_t nfb;
	struct dwv_value fb;

#define PUSH(x) do { if (sp == DWV_STACK) goto bad; st[sp++] = (x); } \
	while (0)
#define POP(x) do { if (sp == 0) goto bad; (x) = st[--sp]; } while (0)
	for (i = 0; i < nops; i++) {
		uint8_t atom = ops[i].atom;

		if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			PUSH((uint64_t)(atom - DW_OP_lit0));
		} else if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
			if (!dwv_frame_reg(env, atom - DW_OP_breg0, &a))
				goto optimized;
			PUSH(a + ops[i].number);
		} else if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			if (!dwv_frame_reg(env, atom - DW_OP_reg0, &regval))
				goto optimized;
			kind = 1;
		} else switch (atom) {
		case DW_OP_addr:
			PUSH(ops[i].number + bias);
			break;
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
		case DW_OP_const8u: case DW_OP_constu:
		case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
		case DW_OP_const8s: case DW_OP_consts:
			PUSH(ops[i].number);
			break;
		case DW_OP_regx:
			if (!dwv_frame_reg(env, ops[i].number, &regval))
				goto optimized;
			kind = 1;
			break;
		case DW_OP_bregx:
			if (!dwv_frame_reg(env, ops[i].number, &a))
				goto optimized;
			PUSH(a + ops[i].number2);
			break;
		case DW_OP_fbreg:
			if (!have_fn || dwarf_attr_integrate(fn,
			    DW_AT_frame_base, &attr) == NULL ||
			    dwarf_getlocation_addr(&attr, dwv_pc(env) - bias,
			    &fbops, &nfb, 1) != 1)
				goto optimized;
			if (nfb == 1 && fbops[0].atom == DW_OP_call_frame_cfa) {
				if (env->frame->cfa == 0)
					goto optimized;
				a = env->frame->cfa;
			} else {
				memset(&fb, 0, sizeof fb);
				if (dwv_run_ops(env, fbops, nfb, NULL, false,
				    bias, &fb, errp) < 0)
					goto fail;
				if (fb.place == DWV_OPTIMIZED) {
					free(fb.bytes);
					goto optimized;
				}
				a = fb.addr;
				if (fb.place == DWV_BYTES)
					memcpy(&a, fb.bytes, fb.nbytes < 8 ?
					    fb.nbytes : 8);
				free(fb.bytes);
			}
			PUSH(a + ops[i].number);
			break;
		case DW_OP_entry_value:
		case DW_OP_GNU_entry_value:
			ev = dwv_entry_value(env, &ops[i], &a, errp);
			if (ev < 0)
				goto fail;
			if (ev == 0)
				goto optimized;
			PUSH(a);
			break;
		case DW_OP_call_frame_cfa:
			if (env->frame == NULL || env->frame->cfa == 0)
				goto optimized;
			PUSH(env->frame->cfa);
			break;
		case DW_OP_plus_uconst:
			POP(a);
			PUSH(a + ops[i].number);
			break;
		case DW_OP_dup:
			POP(a);
			PUSH(a);
			PUSH(a);
			break;
		case DW_OP_drop:
			POP(a);
			break;
		case DW_OP_over:
			if (sp < 2)
				goto bad;
			a = st[sp - 2];
			PUSH(a);
			break;
		case DW_OP_swap:
			POP(a);
			POP(b);
			PUSH(a);
			PUSH(b);
			break;
		case DW_OP_neg:
			POP(a);
			PUSH((uint64_t)0 - a);
			break;
		case DW_OP_not:
			POP(a);
			PUSH(~a);
			break;
		case DW_OP_plus: case DW_OP_minus: case DW_OP_mul:
		case DW_OP_and: case DW_OP_or: case DW_OP_xor:
		case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
			POP(b);
			POP(a);
			PUSH(atom == DW_OP_plus ? a + b : atom == DW_OP_minus ?
			    a - b : atom == DW_OP_mul ? a * b :
			    atom == DW_OP_and ? (a & b) : atom == DW_OP_or ?
			    (a | b) : atom == DW_OP_xor ? (a ^ b) :
			    b >= 64 ? 0 : atom == DW_OP_shl ? a << b :
			    atom == DW_OP_shr ? a >> b :
			    (uint64_t)((int64_t)a >> b));
			break;
		case DW_OP_deref:
		case DW_OP_deref_size:
			POP(a);
			n = atom == DW_OP_deref ? 8 : (size_t)ops[i].number;
			b = 0;
			if (n > 8 || env->read(env->arg, a, &b, n) != (long)n) {
				set_error(errp, "cannot access memory at "
				    "address 0x%" PRIx64, a);
				goto fail;
			}
			PUSH(b);
			break;
		case DW_OP_stack_value:
			kind = 2;
			break;
		case DW_OP_implicit_value:
			kind = 3;
			nimplicit = (size_t)ops[i].number;
			implicit = (const uint8_t *)(uintptr_t)ops[i].number2;
			break;
		case DW_OP_piece:
			n = (size_t)ops[i].number;
			if (n > 4096 || ncomp + n > 65536)
				goto bad;
			comp = xrealloc(comp, ncomp + n + 1);
			memset(comp + ncomp, 0, n);
			if (kind == 1) {
				memcpy(comp + ncomp, &regval, n < 8 ? n : 8);
			} else if (kind == 2) {
				POP(a);
				memcpy(comp + ncomp, &a, n < 8 ? n : 8);
			} else if (kind == 3) {
				memcpy(comp + ncomp, implicit,
				    n < nimplicit ? n : nimplicit);
			} else if (sp == 0) {
				/* An empty piece: optimized out. */
			} else {
				POP(a);
				if (env->read(env->arg, a, comp + ncomp, n) !=
				    (long)n) {
					set_error(errp, "cannot access memory "
					    "at address 0x%" PRIx64, a);
					goto fail;
				}
			}
			ncomp += n;
			kind = 0;
			break;
		default:
			/* Implicit pointers, TLS: not read. */
			goto optimized;
		}
	}
	if (comp != NULL) {
		v->place = DWV_BYTES;
		v->bytes = comp;
		v->nbytes = ncomp;
		return 0;
	}
	if (kind == 1 || kind == 2) {
		if (kind == 2)
			POP(regval);
		v->place = DWV_BYTES;
		v->in_reg = kind == 1;
		v->nbytes = 8;
		v->bytes = xmalloc(8);
		memcpy(v->bytes, &regval, 8);
		return 0;
	}
	if (kind == 3) {
		v->place = DWV_BYTES;
		v->nbytes = nimplicit;
		v->bytes = xmalloc(nimplicit + 1);
		memcpy(v->bytes, implicit, nimplicit);
		return 0;
	}
	POP(a);
	v->place = DWV_MEM;
	v->addr = a;
	return 0;
#undef PUSH
#undef POP
optimized:
	free(comp);
	v->place = DWV_OPTIMIZED;
	return 0;
bad:
	set_error(errp, "malformed DWARF location expression");
fail:
	free(comp);
	return -1;
}

/*
 * DW_OP_entry_value of a register (the only kind gcc emits): the value
 * the register had on entry to the frame's function (dwv_reg_entry).
 * 1 with *out, 0 when unknown (optimized out), -1 with *errp.
 */
static int
dwv_entry_value(const struct dwv_env *env, const Dwarf_Op *op, uint64_t *out,
    char **errp)
{
	const uint8_t *blk = (const uint8_t *)(uintptr_t)op->number2;

	/* DW_OP_regN, or DW_OP_regx with a one-byte number. */
	if (op->number == 1 && blk[0] >= DW_OP_reg0 && blk[0] <= DW_OP_reg31)
		return dwv_reg_entry(env, blk[0] - DW_OP_reg0, out, errp);
	if (op->number == 2 && blk[0] == DW_OP_regx && blk[1] < 0x80)
		return dwv_reg_entry(env, blk[1], out, errp);
	return 0;
}

/*
 * The value register regno had on entry to the frame's function, as gdb
 * finds it: the caller's call site at its return address, which must call
 * this function (DW_AT_call_origin, or DW_AT_call_target evaluated in the
 * caller's frame), and whose DW_TAG_call_site_parameter for regno gives
 * DW_AT_call_value, evaluated in the caller's frame (so through
 * callee-saved registers, or the caller's own entry values). 1 with
 * *out, 0 when unknown, -1 with *errp.
 */
int
dwv_reg_entry(const struct dwv_env *env, uint64_t regno, uint64_t *out,
    char **errp)
{
	struct sym_frame caller;
	struct dwv_env cenv;
	struct dwv_value v;
	uint64_t regs[17];
	Dwarf_Die *scopes = NULL, *cscopes = NULL, site, param;
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	Dwarf_Addr bias, cbias, entry;
	size_t nops;
	int n, cn, r = 0;

	if (env->frame == NULL || env->frame->inlined ||
	    env->frame->caller == NULL ||
	    !env->frame->caller(env->frame, &caller, regs) ||
	    !caller.return_address)
		return 0;
	n = dwv_frame_scopes(env, &scopes, &bias);
	if (n < 2 || dwarf_entrypc(&scopes[n - 2], &entry) != 0)
		goto done;
	entry += bias;
	cenv = *env;
	cenv.frame = &caller;
	cn = dwv_frame_scopes(&cenv, &cscopes, &cbias);
	/* The outermost scope is the CU; the next one the caller's function. */
	if (cn < 2 || !dwv_call_site(&cscopes[cn - 2], caller.pc - cbias,
	    &site) || !dwv_calls(&cenv, &site, &scopes[n - 2], entry,
	    &cscopes[cn - 2], cbias) || dwarf_child(&site, &param) != 0)
		goto done;
	do {
		Dwarf_Word reg;

		if ((dwarf_tag(&param) != DW_TAG_call_site_parameter &&
		    dwarf_tag(&param) != DW_TAG_GNU_call_site_parameter) ||
		    dwarf_attr(&param, DW_AT_location, &attr) == NULL ||
		    dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1)
			continue;
		reg = ops[0].atom == DW_OP_regx ? ops[0].number :
		    ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31 ?
		    (Dwarf_Word)(ops[0].atom - DW_OP_reg0) : (Dwarf_Word)-1;
		if (reg != regno)
			continue;
		if ((dwarf_attr(&param, DW_AT_call_value, &attr) == NULL &&
		    dwarf_attr(&param, DW_AT_GNU_call_site_value, &attr) ==
		    NULL) || dwarf_getlocation(&attr, &ops, &nops) != 0)
			break;
		memset(&v, 0, sizeof v);
		r = dwv_run_ops(&cenv, ops, nops, &cscopes[cn - 2], true,
		    cbias, &v, errp);
		if (r == 0 && v.place == DWV_MEM) {
			*out = v.addr;
			r = 1;
		} else if (r == 0 && v.place == DWV_BYTES) {
			*out = 0;
			memcpy(out, v.bytes, v.nbytes < 8 ? v.nbytes : 8);
			r = 1;
		}
		free(v.bytes);
		break;
	} while (dwarf_siblingof(&param, &param) == 0);
done:
	free(scopes);
	free(cscopes);
	return r;
}

/*
 * Whether call site site (in the caller's function cfn) calls fn, whose
 * entry is at entry: its DW_AT_call_origin names fn, or its
 * DW_AT_call_target, evaluated in the caller's frame, is entry. gdb
 * refuses entry values through a call site saying neither.
 */
static bool
dwv_calls(const struct dwv_env *cenv, Dwarf_Die *site, Dwarf_Die *fn,
    Dwarf_Addr entry, Dwarf_Die *cfn, Dwarf_Addr cbias)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;
	Dwarf_Op *ops;
	size_t nops;
	struct dwv_value v;
	const char *a, *b;
	bool ok;

	if ((dwarf_attr(site, DW_AT_call_origin, &attr) != NULL ||
	    dwarf_attr(site, DW_AT_abstract_origin, &attr) != NULL) &&
	    dwarf_formref_die(&attr, &origin) != NULL) {
		a = dwarf_attr_integrate(&origin, DW_AT_linkage_name, &attr) ?
		    dwarf_formstring(&attr) : dwv_die_name(&origin);
		b = dwarf_attr_integrate(fn, DW_AT_linkage_name, &attr) ?
		    dwarf_formstring(&attr) : dwv_die_name(fn);
		return a != NULL && b != NULL && strcmp(a, b) == 0;
	}
	if ((dwarf_attr(site, DW_AT_call_target, &attr) == NULL &&
	    dwarf_attr(site, DW_AT_GNU_call_site_target, &attr) == NULL) ||
	    dwarf_getlocation(&attr, &ops, &nops) != 0)
		return false;
	memset(&v, 0, sizeof v);
	if (dwv_run_ops(cenv, ops, nops, cfn, true, cbias, &v, NULL) < 0)
		return false;
	ok = v.place == DWV_MEM && v.addr == entry;
	if (v.place == DWV_BYTES && v.nbytes >= 8)
		ok = memcmp(v.bytes, &entry, 8) == 0;
	free(v.bytes);
	return ok;
}

/*
 * The value parameter name of the frame's function had on entry, for
 * bt's "x=x@entry=5": its location at the function's entry, when that is
 * a register, read as dwv_reg_entry does. true with *out.
 */
bool
dwv_param_entry(const struct dwv_env *env, const char *name, uint64_t *out)
{
	Dwarf_Die var, fn;
	Dwarf_Attribute attr;
	Dwarf_Addr bias, entry;
	Dwarf_Op *ops;
	size_t nops;
	bool have_fn;
	uint64_t regno;

	if (!dwv_find_var(env, name, &var, &fn, &have_fn, &bias) ||
	    !have_fn || dwarf_tag(&var) != DW_TAG_formal_parameter ||
	    dwarf_entrypc(&fn, &entry) != 0 ||
	    dwarf_attr_integrate(&var, DW_AT_location, &attr) == NULL ||
	    dwarf_getlocation_addr(&attr, entry, &ops, &nops, 1) != 1 ||
	    nops != 1)
		return false;
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31)
		regno = ops[0].atom - DW_OP_reg0;
	else if (ops[0].atom == DW_OP_regx)
		regno = ops[0].number;
	else
		return false;
	return dwv_reg_entry(env, regno, out, NULL) == 1;
}

/* The call site under scope (at any depth) returning to ret. */
static bool
dwv_call_site(Dwarf_Die *scope, Dwarf_Addr ret, Dwarf_Die *out)
{
	Dwarf_Attribute attr;
	Dwarf_Addr at;
	Dwarf_Die child;
	int tag;

	if (dwarf_child(scope, &child) != 0)
		return false;
	do {
		tag = dwarf_tag(&child);
		if (tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) {
			if ((dwarf_attr(&child, DW_AT_call_return_pc,
			    &attr) != NULL || dwarf_attr(&child, DW_AT_low_pc,
			    &attr) != NULL) &&
			    dwarf_formaddr(&attr, &at) == 0 && at == ret) {
				*out = child;
				return true;
			}
		} else if ((tag == DW_TAG_lexical_block ||
		    tag == DW_TAG_inlined_subroutine) &&
		    dwarf_haspc(&child, ret - 1) == 1 &&
		    dwv_call_site(&child, ret, out)) {
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* The class of t; *peeled (if not NULL) its DIE without typedefs, cv. */
enum dwv_class
dwv_class(const struct dwv_type *t, Dwarf_Die *peeled)
{
	Dwarf_Die d;
	Dwarf_Word enc = 0;

	if (t->ptrs > 0)
		return DWV_PTR;
	if (!t->has_die)
		return t->size == 0 ? DWV_VOID : t->enc == DW_ATE_float ?
		    DWV_FLOAT : t->enc == DW_ATE_boolean ? DWV_BOOL :
		    t->enc == DW_ATE_signed_char ||
		    t->enc == DW_ATE_unsigned_char ? DWV_CHAR : DWV_INT;
	d = t->die;
	if (dwarf_peel_type(&d, &d) != 0)
		return DWV_VOID;
	if (peeled != NULL)
		*peeled = d;
	if (t->dim > 0)
		return DWV_ARRAY;
	switch (dwarf_tag(&d)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		return DWV_PTR;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return DWV_STRUCT;
	case DW_TAG_union_type:
		return DWV_UNION;
	case DW_TAG_array_type:
		return DWV_ARRAY;
	case DW_TAG_enumeration_type:
		return DWV_ENUM;
	case DW_TAG_subprogram:
	case DW_TAG_subroutine_type:
		return DWV_FUNC;
	case DW_TAG_base_type:
		dwv_attr_int(&d, DW_AT_encoding, &enc);
		return enc == DW_ATE_float ? DWV_FLOAT :
		    enc == DW_ATE_boolean ? DWV_BOOL :
		    enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char ?
		    DWV_CHAR : DWV_INT;
	default:
		return DWV_VOID;
	}
}

uint64_t
dwv_size(const struct dwv_type *t)
{
	Dwarf_Die d;
	Dwarf_Word size;
	struct dwv_type elem;
	uint64_t count;

	if (t->ptrs > 0)
		return 8;
	if (!t->has_die)
		return t->size;
	if (dwv_class(t, &d) == DWV_ARRAY) {
		if (!dwv_array_dims(t, &count, &elem))
			return 0;
		return count * dwv_size(&elem);
	}
	if (dwarf_tag(&d) == DW_TAG_pointer_type)
		return 8;
	if (dwarf_aggregate_size(&d, &size) != 0)
		return 0;
	return size;
}

/* What a pointer of type t points at (void: a synthetic size 0). */
void
dwv_target(const struct dwv_type *t, struct dwv_type *out)
{
	Dwarf_Die d, target;
	Dwarf_Attribute attr;

	*out = *t;
	if (t->ptrs > 0) {
		out->ptrs--;
		return;
	}
	memset(out, 0, sizeof *out);
	out->name = "void";
	if (!t->has_die)
		return;
	d = t->die;
	if (dwarf_peel_type(&d, &d) == 0 &&
	    dwarf_attr_integrate(&d, DW_AT_type, &attr) != NULL &&
	    dwarf_formref_die(&attr, &target) != NULL)
		dwv_type_of(&target, out);
}

/*
 * The element count of t's next dimension and the element type (a
 * sub-array of the same DIE for a multi-dimensional array). false when
 * t is not an array.
 */
bool
dwv_array_dims(const struct dwv_type *t, uint64_t *count,
    struct dwv_type *elem)
{
	Dwarf_Die d, sub, target;
	Dwarf_Attribute attr;
	Dwarf_Word n = 0, upper;
	unsigned k = 0, total = 0;
	bool have = false;

	d = t->die;
	if (t->ptrs > 0 || !t->has_die || dwarf_peel_type(&d, &d) != 0 ||
	    dwarf_tag(&d) != DW_TAG_array_type)
		return false;
	if (dwarf_child(&d, &sub) == 0) {
		do {
			if (dwarf_tag(&sub) != DW_TAG_subrange_type)
				continue;
			if (k == t->dim) {
				if (dwv_attr_int(&sub, DW_AT_count, &n) == 0)
					have = true;
				else if (dwv_attr_int(&sub, DW_AT_upper_bound,
				    &upper) == 0) {
					n = upper + 1;
					have = true;
				}
			}
			k++;
		} while (dwarf_siblingof(&sub, &sub) == 0);
	}
	total = k;
	if (count != NULL)
		*count = have ? n : 0;
	if (elem != NULL) {
		*elem = *t;
		elem->dim = t->dim + 1;
		if (elem->dim >= total) {
			if (dwarf_attr_integrate(&d, DW_AT_type, &attr) &&
			    dwarf_formref_die(&attr, &target) != NULL)
				dwv_type_of(&target, elem);
			else
				*elem = (struct dwv_type){ .name = "void" };
		}
	}
	return true;
}

/* Reads the scalar v (at most 8 bytes, bit fields extracted) into *u. */
int
dwv_scalar(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t *u, char **errp)
{
	uint64_t size = dwv_size(&v->type), raw = 0;
	size_t n;

	*u = 0;
	if (v->place == DWV_OPTIMIZED)
		return set_error(errp, "value has been optimized out");
	if (v->bit_size != 0) {
		n = (v->bit_off + v->bit_size + 7) / 8;
		if (n > 8 || dwv_fetch(env, v, 0, &raw, n, errp) < 0)
			return n > 8 ? set_error(errp, "bit field too wide") :
			    -1;
		raw >>= v->bit_off;
		if (v->bit_size < 64)
			raw &= ((uint64_t)1 << v->bit_size) - 1;
		if (dwv_is_signed(&v->type) && v->bit_size < 64 &&
		    (raw >> (v->bit_size - 1)) != 0)
			raw |= ~(uint64_t)0 << v->bit_size;
		*u = raw;
		return 0;
	}
	if (size == 0 || size > 8)
		return set_error(errp, "not a scalar");
	if (dwv_fetch(env, v, 0, &raw, (size_t)size, errp) < 0)
		return -1;
	if (dwv_is_signed(&v->type) && size < 8 &&
	    (raw >> (size * 8 - 1)) != 0)
		raw |= ~(uint64_t)0 << (size * 8);
	*u = raw;
	return 0;
}

/* len bytes of v from offset off. */
int
dwv_fetch(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t off, void *buf, size_t len, char **errp)
{
	if (v->place == DWV_BYTES) {
		if (off > v->nbytes || len > v->nbytes - off)
			return set_error(errp, "value has been optimized out");
		memcpy(buf, v->bytes + off, len);
		return 0;
	}
	if (v->place != DWV_MEM)
		return set_error(errp, "value has been optimized out");
	if (env->read(env->arg, v->addr + off, buf, len) != (long)len)
		return set_error(errp, "cannot access memory at address "
		    "0x%" PRIx64, v->addr + off);
	return 0;
}
