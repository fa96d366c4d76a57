# infogap: `make run` runs the main job on the embedded default corpus, `make test` runs all tests.
MVN ?= mvn -B
JAVA ?= java
JAR := target/infogap.jar
INFOGAP := $(JAVA) -Xmx8g -jar $(JAR)
CORPUS := datasets/default

.PHONY: run test build clean-data help

help:
	@echo "make run    generate the default corpus, build the vocabulary, train Word2Vec, import and export its labels"
	@echo "make test   run all tests"
	@echo "make build  build target/infogap.jar (run it: java -jar target/infogap.jar --help)"

build: $(JAR)

$(JAR): pom.xml $(shell find src/main -type f)
	$(MVN) -q -DskipTests package

run: $(JAR)
	$(INFOGAP) generate --out $(CORPUS)
	$(INFOGAP) vocab --corpus $(CORPUS)/corpus.json --out models/vocab.txt
	$(INFOGAP) word2vec --corpus $(CORPUS)/corpus.json --out models/word2vec.zip
	$(INFOGAP) annotations import --corpus $(CORPUS)/corpus.json $(CORPUS)/labels/bbc_annotations.jsonl $(CORPUS)/labels/wiki_annotations.jsonl
	$(INFOGAP) annotations stats
	$(INFOGAP) annotations export --out $(CORPUS)/labelled.jsonl

test:
	$(MVN) test

clean-data:
	rm -rf $(CORPUS) models/vocab.txt models/word2vec.zip annotations/annotations.db*
