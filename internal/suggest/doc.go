// Package suggest proposes a weakness (CWE) and CVSS v3.1 base metrics for
// a vulnerability from its description, for records no source completes
// (many CNVD and JVN entries, fresh own records).
//
// The model is multinomial naive Bayes over binary features, trained on
// the imported corpus: English descriptions of CVE records labelled by
// their CWE and CVSS v3 vector, and Chinese (zh-CN) descriptions of CNVD
// entries that alias a CVE, labelled by that CVE's. There is one
// classifier per language and target: the CWE, and each of the eight
// CVSS v3.1 base metrics (AV, AC, PR, UI, S, C, I, A). English features
// are lower-cased word unigrams and bigrams; Chinese features are
// character bigrams of Han runs plus the Latin words among them ("SQL",
// "XSS"). Naive Bayes was chosen because training is one counting pass,
// deterministic, and needs no tuning loop on two shared cores; its
// probabilities are over-confident, so confidence is a ranking aid, not
// a calibrated probability.
//
// Training is deterministic given the corpus and the seed: the seed salts
// the hash that splits examples into training and held-out sets (by id,
// never at random), vocabulary and classes are chosen by counts with ties
// broken by name, and the model file is written in a fixed order. The
// model's version is a digest of its encoding.
//
// A suggestion is never a claim. It is kept beside the record with its
// confidence and model version until an analyst accepts it (then it
// becomes an analyst's claim naming the model and the analyst) or
// rejects it.
//
// This package knows nothing of storage, HTTP or the command line.
package suggest
