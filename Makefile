# infogap: `make run` runs the main job on the embedded default corpus, `make test` runs all tests.
MVN ?= mvn -B
JAVA ?= java
JAR := target/infogap.jar
# ND4J keeps arrays off the Java heap and frees them when their Java objects are collected; JavaCPP's limits
# make it collect (and fail cleanly) before the machine's 24 GiB run out.
JAVA_OPTS ?= -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=8G -Dorg.bytedeco.javacpp.maxphysicalbytes=20G
INFOGAP := $(JAVA) $(JAVA_OPTS) -jar $(JAR)
CORPUS := datasets/default
# CPU budget of the default run (see README, "Two commands"): the autoencoder sees 3000 training pairs
# for 5 epochs (the matching head needs more than 3). The report trains 12 classifiers (split + 5 folds, with and without the autoencoder), each
# in its own JVM; REPORT_OPTS=--folds 0 reports on the test split only (2 trainings).
AE_OPTS ?= --max-pairs 3000 --set aeEpochs=5
REPORT_OPTS ?=
# Debian's python3-torch installs for the system interpreter, not for a pyenv or venv one
PYTHON ?= /usr/bin/python3
SERVE_OPTS ?=

.PHONY: run test build clean-data help serve bench-api bench-encoder

help:
	@echo "make run    generate the default corpus, vocabulary, Word2Vec, labels; train autoencoder and classifier; write the report"
	@echo "make test   run all tests"
	@echo "make build  build target/infogap.jar (run it: java -jar target/infogap.jar --help)"
	@echo "make serve  start the scoring API on the trained model; make bench-api: its load test"
	@echo "make bench-encoder  InceptionV3 and text-side speed, beside PyTorch's when python3-torch is installed"

build: $(JAR)

$(JAR): pom.xml $(shell find src/main -type f)
	$(MVN) -q -DskipTests package

run: $(JAR)
	$(INFOGAP) generate --out $(CORPUS)
	$(INFOGAP) vocab --corpus $(CORPUS)/corpus.json --out models/vocab.txt
	$(INFOGAP) word2vec --corpus $(CORPUS)/corpus.json --out models/word2vec.zip
	$(INFOGAP) annotations import --corpus $(CORPUS)/corpus.json $(CORPUS)/labels/bbc_annotations.jsonl $(CORPUS)/labels/wiki_annotations.jsonl
	$(INFOGAP) annotations stats
	$(INFOGAP) annotations export --split corpus --out $(CORPUS)/labelled.jsonl
	$(INFOGAP) train-autoencoder --corpus $(CORPUS)/corpus.json --out models/autoencoder --epochs-per-process 2 $(AE_OPTS)
	$(INFOGAP) train-classifier --labelled $(CORPUS)/labelled.jsonl --autoencoder models/autoencoder/best.zip --out models/classifier --epochs-per-process 2
	$(INFOGAP) predict --model models/classifier/best.zip --pairs $(CORPUS)/labelled.jsonl --out models/predictions.jsonl
	$(INFOGAP) report --labelled $(CORPUS)/labelled.jsonl --autoencoder models/autoencoder/best.zip --out models/report $(REPORT_OPTS)
	$(INFOGAP) report retrieval --model models/classifier/best.zip --out models/report
	@echo "report: models/report/report.html, models/report/retrieval.html; starting the scoring API (Ctrl-C stops it)"
	$(INFOGAP) serve --model models/classifier/best.zip $(SERVE_OPTS)

test:
	$(MVN) test

# the scoring API on the trained default model (after make run)
serve: $(JAR)
	$(INFOGAP) serve --model models/classifier/best.zip

# load test of the scoring API on loopback (after make run); figures also in models/bench-api.json
bench-api: $(JAR)
	$(INFOGAP) bench api --model models/classifier/best.zip

# InceptionV3 images/s at 299 and 300 px, batch 1 and 16, and the text side's pairs/s (needs make run's model);
# the peer: PyTorch CPU (Debian python3-torch python3-torchvision), same cases, 2 threads
bench-encoder: $(JAR)
	@if $(PYTHON) -c "import torch, torchvision" 2>/dev/null; then \
		$(PYTHON) src/tools/bench_torch_inception.py --out models/bench-torch.json && \
		$(INFOGAP) bench encoder --model models/classifier/best.zip --peer models/bench-torch.json; \
	else \
		echo "python3-torch not installed: no PyTorch peer"; \
		$(INFOGAP) bench encoder --model models/classifier/best.zip; \
	fi

clean-data:
	rm -rf $(CORPUS) models/vocab.txt models/word2vec.zip models/autoencoder models/classifier models/report \
		models/predictions.jsonl models/features annotations/annotations.db*
