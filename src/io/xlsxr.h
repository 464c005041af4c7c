/*
 * xlsxr — expat and minizip, the libraries that read workbooks, loaded the
 * first time a workbook is read (ch_xlsx_open), not when the program
 * starts. Most commands read no workbook; mapping the two (with zlib,
 * which minizip brings, and libqrencode, loaded late too) cost every
 * command about 0.6 ms (docs/performance.md, the dispatch).
 *
 * io/xlsx.c, the only file that calls them, includes this header after
 * <expat.h> and <unzip.h>. Its calls keep the libraries' own names: each is
 * a macro calling through a pointer of the function's own type, filled by
 * ch_xlsxr_load, which ch_xlsx_open calls before anything else of the
 * libraries. The list below is every function called; a new one must be
 * added to it (the program is not linked with the libraries, so its link
 * fails naming the function until then).
 */
#ifndef CH_IO_XLSXR_H
#define CH_IO_XLSXR_H

#include <expat.h>
#include <unzip.h>

#define CH_XLSXR_FUNCS(X)                                                                          \
	X(XML_ErrorString)                                                                         \
	X(XML_GetBuffer)                                                                           \
	X(XML_GetCurrentByteIndex)                                                                 \
	X(XML_GetCurrentLineNumber)                                                                \
	X(XML_GetErrorCode)                                                                        \
	X(XML_ParseBuffer)                                                                         \
	X(XML_ParserCreate_MM)                                                                     \
	X(XML_ParserFree)                                                                          \
	X(XML_ResumeParser)                                                                        \
	X(XML_SetCharacterDataHandler)                                                             \
	X(XML_SetElementHandler)                                                                   \
	X(XML_SetStartDoctypeDeclHandler)                                                          \
	X(XML_SetUserData)                                                                         \
	X(XML_StopParser)                                                                          \
	X(unzClose)                                                                                \
	X(unzCloseCurrentFile)                                                                     \
	X(unzGetCurrentFileZStreamPos64)                                                           \
	X(unzLocateFile)                                                                           \
	X(unzOpen64)                                                                               \
	X(unzOpenCurrentFile)                                                                      \
	X(unzReadCurrentFile)

/* The pointers, filled when the libraries are loaded. */
struct ch_xlsxr {
#define CH_XLSXR_PTR(name) __typeof__(name) *p_##name;
	CH_XLSXR_FUNCS(CH_XLSXR_PTR)
#undef CH_XLSXR_PTR
};
extern struct ch_xlsxr ch_xlsxr;

/* Loads expat and minizip the first time (thread-safe). 0, or CH_ERROR
 * with the error set (util/error.h) when either could not be loaded. */
int ch_xlsxr_load(void);

/* io/xlsxr.c itself, which fills the pointers, keeps the libraries' names. */
#ifndef CH_XLSXR_LOADER
#define XML_ErrorString                (*ch_xlsxr.p_XML_ErrorString)
#define XML_GetBuffer                  (*ch_xlsxr.p_XML_GetBuffer)
#define XML_GetCurrentByteIndex        (*ch_xlsxr.p_XML_GetCurrentByteIndex)
#define XML_GetCurrentLineNumber       (*ch_xlsxr.p_XML_GetCurrentLineNumber)
#define XML_GetErrorCode               (*ch_xlsxr.p_XML_GetErrorCode)
#define XML_ParseBuffer                (*ch_xlsxr.p_XML_ParseBuffer)
#define XML_ParserCreate_MM            (*ch_xlsxr.p_XML_ParserCreate_MM)
#define XML_ParserFree                 (*ch_xlsxr.p_XML_ParserFree)
#define XML_ResumeParser               (*ch_xlsxr.p_XML_ResumeParser)
#define XML_SetCharacterDataHandler    (*ch_xlsxr.p_XML_SetCharacterDataHandler)
#define XML_SetElementHandler          (*ch_xlsxr.p_XML_SetElementHandler)
#define XML_SetStartDoctypeDeclHandler (*ch_xlsxr.p_XML_SetStartDoctypeDeclHandler)
#define XML_SetUserData                (*ch_xlsxr.p_XML_SetUserData)
#define XML_StopParser                 (*ch_xlsxr.p_XML_StopParser)
#define unzClose                       (*ch_xlsxr.p_unzClose)
#define unzCloseCurrentFile            (*ch_xlsxr.p_unzCloseCurrentFile)
#define unzGetCurrentFileZStreamPos64  (*ch_xlsxr.p_unzGetCurrentFileZStreamPos64)
#define unzLocateFile                  (*ch_xlsxr.p_unzLocateFile)
#define unzOpen64                      (*ch_xlsxr.p_unzOpen64)
#define unzOpenCurrentFile             (*ch_xlsxr.p_unzOpenCurrentFile)
#define unzReadCurrentFile             (*ch_xlsxr.p_unzReadCurrentFile)
#endif

#endif
