// Package depcheck reads OWASP Dependency-Check's XML report (root
// <analysis>, schemas dependency-check.1.x to 2.x .xsd) into a scan.Report
// with Tool "depcheck".
//
//	<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd">
//	  <scanInfo><engineVersion>7.3.0</engineVersion>...</scanInfo>
//	  <projectInfo><name>...</name><reportDate>2022-12-14T01:35:43Z</reportDate></projectInfo>
//	  <dependencies>
//	    <dependency>
//	      <fileName>bcprov-jdk15on-1.64.jar</fileName> <filePath>/.../bcprov-jdk15on-1.64.jar</filePath>
//	      <identifiers><package><id>pkg:maven/org.bouncycastle/bcprov-jdk15on@1.64</id></package></identifiers>
//	      <vulnerabilities>
//	        <vulnerability source="NVD">
//	          <name>CVE-2020-15522</name> <severity>MEDIUM</severity>
//	          <cvssV2><score/><accessVector>NETWORK</accessVector>...</cvssV2>
//	          <cvssV3><baseScore>5.9</baseScore><attackVector>NETWORK</attackVector>...<version>3.1</version></cvssV3>
//	          <cwes><cwe>CWE-362</cwe></cwes> <description/> <references><reference><url/></reference></references>
//	          <vulnerableSoftware><software vulnerabilityIdMatched="true" versionEndExcluding="1.66">cpe:2.3:...</software></vulnerableSoftware>
//	        </vulnerability>
//	      </vulnerabilities>
//	      <suppressedVulnerabilities>...</suppressedVulnerabilities>
//	    </dependency>
//	  </dependencies>
//	</analysis>
//
// One Target, Kind source, Name the project's name (empty when the report
// has none): the report is one scan of one project.
//
// One Result per <vulnerability> of a <dependency>. Suppressed ones
// (<suppressedVulnerability>, or <vulnerability> inside
// <suppressedVulnerabilities>) are left out: a suppression is a decision
// the team already took in Dependency-Check's suppression file, not a
// finding.
//
//	name                      Rule; also IDs when it is a CVE or GHSA id (OSS Index
//	                          and npm entries may be named "CWE-400: ..." or "1500")
//	name, fileName            Title "CVE-2020-15522 in bcprov-jdk15on-1.64.jar"
//	severity                  Severity by scan.ParseSeverity (CRITICAL, HIGH,
//	                          MEDIUM/moderate, LOW); ToolSeverity as written.
//	                          Without one, by the score (CVSS v3 ranges), else unknown
//	cvssV3, cvssV2, cvssScore Score: v3 baseScore over v2 score over the 1.x
//	                          schema's cvssScore. Vector: the report gives the
//	                          metrics one by one ("NETWORK" or "N"); the vector is
//	                          written from them ("CVSS:3.1/AV:N/..." with the
//	                          <version> given, 3.1 when none; a plain v2 vector)
//	                          when every base metric reads, else left empty
//	cwes/cwe, cwe             CWEs ("CWE-362", "CWE-00 Bad Vulnerability" read as
//	                          its number; NVD-CWE-Other, NVD-CWE-noinfo and CWE 0
//	                          are no weakness and skipped)
//	description               Description
//	references/reference/url  References
//	vulnerableSoftware        Evidence: the software entries that matched
//	                          (vulnerabilityIdMatched="true"), with their ranges
//	filePath                  Location, and Package.Path
//
// Package comes from the dependency's first package identifier: the purl
// (identifiers/package/id), read by ecosystem.FromPURL into the OSV
// ecosystem, name and version; a purl of a type with no OSV ecosystem
// keeps PURL, Name and Version but no Ecosystem. The 1.x schema's
// <identifier type="maven"><name>group:artifact:version</name> is read as
// Maven. Without either, Package.Name is the file name. Dependency-Check
// does not say which version fixes a vulnerability, so Fixed stays empty.
//
// Report.Version is scanInfo/engineVersion; Report.Finished the
// projectInfo/reportDate (RFC 3339, or Java's "2016-11-05T14:52:15.748-0400";
// another layout is not read).
//
// # Errors and hostile input
//
// Errors are *feed.RecordError values wrapping feed.ErrFormat naming the
// record ("dependency[3] bcprov-jdk15on-1.64.jar: vulnerability[1]
// CVE-2020-0187", counting from 0) and the field ("cvssV3.baseScore",
// "identifiers.package[0].id"). The document is read by
// scan.NewXMLDecoder one <dependency> at a time; a DOCTYPE declaring
// entities is refused (encoding/xml would not expand them anyway). 0
// bytes is refused as not a report; a report with no dependencies, or none
// vulnerable, is a valid empty report.
package depcheck
