// Package cnnvd reads the JSON of the China National Vulnerability
// Database of Information Security (CNNVD, https://www.cnnvd.org.cn) web
// API into advisory records with Source "cnnvd".
//
// # Format
//
// CNNVD documents neither its API nor its JSON. The shapes read here are
// those of the responses github.com/y4ney/cnnvd-list-update saved (its
// cnnvd/api/testdata, copied in testdata/) and of its Go types for them
// (cnnvd/api/api.go ResCode, vul_list.go VulList and Record, vul_detail.go
// VulDetail and CNNVDDetail). Parse takes four kinds of document, told
// apart by their keys:
//
//	list entry      {"id", "vulName", "cnnvdCode", "cveCode", "hazardLevel",
//	                 "createTime", "publishTime", "updateTime", "typeName", "vulType"}
//	                one record of the list endpoint web/homePage/cnnvdVulList
//	detail          {"cnnvdDetail": {...}, "receviceVulDetail": ...} [sic]
//	                the data of the detail endpoint
//	                web/cnnvdVul/getCnnnvdDetailOnDatasource
//	list response   {"code", "success", "message", "time",
//	                 "data": {"total", "pageIndex", "pageSize", "records": [entry, ...]}}
//	detail response {"code", "success", "message", "time",
//	                 "data": {"cnnvdDetail": {...}, "receviceVulDetail": ...}}
//
// A response page is streamed, one entry at a time. A response reporting
// failure ("success": false, "data": null) is an error carrying its
// message.
//
// The API's dictionaries are not vulnerabilities, and Parse refuses them
// with an error (Sniff says false): the vulnerability-type tree
// (web/homePage/vulTypeList: {id, pid, label, value, children}), the hazard
// levels ({dictLabel, dictValue}), vendors and products ({label: id,
// value: name}). Records need none of them: a detail names its vendor and
// type, and the four hazard levels are fixed below (a test checks them
// against hazard_level.json).
//
// # Mapping
//
//	cnnvdCode        ID; must match CNNVD-YYYYMM-N{3,6}
//	cveCode          Aliases; must be a CVE id when present
//	vulName          Titles, zh-CN
//	vulDesc          Descriptions, zh-CN (detail)
//	hazardLevel      Severities, type CNNVD, as hazard_level.json defines the
//	                 levels: 1 超危 CRITICAL, 2 高危 HIGH, 3 中危 MEDIUM,
//	                 4 低危 LOW. 0 or absent is no rating; another number is
//	                 an error. The map is one to one, so the number is not kept
//	publishTime      Published   } "1988-10-01" (list) or "2022-12-08 00:00:00"
//	updateTime       Modified    } (detail): Beijing wall-clock time without
//	                               a zone, read as UTC so that the date stays
//	                               CNNVD's and list and detail agree
//	vulTypeName      Note "vulnerability_type", zh-CN: the type's label
//	                 ("日志信息泄露"); the detail's vulType, the list's typeName
//	                 ("其他") when it is missing. The type tree carries no CWE,
//	                 so no CWE is derived
//	affectedVendor   Affected.Vendor  } one Affected, when any is given
//	affectedProduct  Affected.Product }
//	affectedSystem   Affected.Text    }
//	referUrl         References, type WEB: blocks of "来源:MISC" (kept as the
//	                 link's tag) and "链接:https://..."; text that is not a link
//	                 keeps the whole field as a Note "references"
//	patch            a URL: the reference's tag "patch" (added to the link
//	                 when referUrl has it); other text: a Note "patch", zh-CN
//
// Ignored, and why: id (CNNVD's internal key for the detail request);
// createTime (when the entry entered the current database: 2022-09-21 for
// 1988's entries); the list's vulType ("0", the detail request's selector,
// not a type); isOfficial; vendor (a vendors-dictionary id: the name is in
// affectedVendor); productDesc (describes the product, which vulDesc also
// does); patchId; varchar1 (the type label again); cnnvdFiledShow (the
// fields the web page shows); the other data sources' views (cveVulVO,
// ibmVulVO, icsCertVulVO, microsoftVulVO, huaweiVulVO, nvdVulVO and their
// *FiledShow); the audit fields (deleted, version, createUid, createUname,
// updateUid, updateUname); receviceVulDetail; and the envelope's code,
// message, time, total, pageIndex and pageSize. Text is trimmed and its
// "\r\n" line breaks become "\n".
//
// # Errors
//
// A vulnerability that breaks the mapping is reported as a
// *feed.RecordError naming it (its id, or "#N") and the JSON path of the
// field in the document ("data.records[1].hazardLevel",
// "cnnvdDetail.cveCode"): a missing or malformed id, a malformed CVE id, a
// value of the wrong JSON type, an unknown hazard level, a time that does
// not parse. Parsing goes on with the next one. A document that is not
// JSON, not an object, a dictionary, a failed response, or has data after
// its object yields one error. One vulnerability may take at most 16 MiB;
// a larger one is reported, and when it is far larger, the document ends
// there, as the decoder cannot find the next one.
package cnnvd
