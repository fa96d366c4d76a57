# infogap: `make run` runs the main job on the embedded default corpus, `make test` runs all tests.
MVN ?= mvn -B
JAVA ?= java
JAR := target/infogap.jar
# ND4J keeps arrays off the Java heap and frees them when their Java objects are collected; JavaCPP's limits
# make it collect (and fail cleanly) before the machine's 24 GiB run out. The heap free ratios hand heap the
# training's collections freed back to the system (bench train: peak 4.6 GiB resident against 5.5 without).
JAVA_OPTS ?= -Xmx6g -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -Dorg.bytedeco.javacpp.maxbytes=8G \
	-Dorg.bytedeco.javacpp.maxphysicalbytes=20G
INFOGAP := $(JAVA) $(JAVA_OPTS) -jar $(JAR)
# the server collects every 10 s while it scores, so that ND4J's native garbage is freed; concurrently, beside the
# requests, rather than in one pause (docs/decisions/2026-12-06-scoring-throughput.md)
SERVING := $(JAVA) $(JAVA_OPTS) -XX:+ExplicitGCInvokesConcurrent -jar $(JAR)
CORPUS := datasets/default
# CPU budget of the default run (README, "Two commands"; chosen by measurement,
# docs/decisions/2026-12-01-make-run-budget.md): 1,800 unlabelled + 1,200 labelled pairs; the training epochs
# are the preset's (autoencoder 3 after the match head's 4 warm-up epochs, classifiers 12); the report on the
# test split only, taking the trained classifier as CL (2 trainings: this one and CL without AE).
# `make report`: 5 folds.
GENERATE_OPTS ?= --unlabelled 1800
# The model preset (docs/model.md, "Configuration and presets"): generated, real, paper or small. The default is generated
# because this corpus is generated: its labels follow rules that the generated preset's sentence counts read.
PRESET ?= generated
# e.g. AE_OPTS='--max-pairs 1500 --set aeEpochs=2' CL_OPTS='--set classifierEpochs=5' for a quicker, weaker run
AE_OPTS ?=
CL_OPTS ?=
REPORT_OPTS ?= --folds 0 --classifier models/classifier/best.zip
# The image encoder's pretrained weights: nsfwjs's InceptionV3 (MIT), the one pretrained InceptionV3 a registry
# here serves. Its npm integrity is pinned: the tarball is checked before anything in it is read.
NSFWJS_VERSION := 4.4.0
NSFWJS_INTEGRITY := sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==
NSFWJS_TGZ := models/nsfwjs-$(NSFWJS_VERSION).tgz
WEIGHTS_DIR := models/image-encoder/nsfwjs-$(NSFWJS_VERSION)
# IMAGE=random: train on a random image encoder instead (no npm needed; scores then mean little on photos)
IMAGE ?= nsfwjs
WEIGHTS_DEP := $(if $(filter random,$(IMAGE)),,weights)
IMAGE_OPT := $(if $(filter random,$(IMAGE)),--image-weights random,)
NODE_CHECK := src/test/node/nsfwjs-check
# Debian's python3-torch installs for the system interpreter, not for a pyenv or venv one
PYTHON ?= /usr/bin/python3
SERVE_OPTS ?=

.PHONY: annotate bench-active-learning spark-test spark-build spark-demo bench-spark run data report ablation real-data report-real report-paper pictures test test-setup lint-contract weights build clean-data help serve bench-api bench-api-soak bench-scale bench-precision bench-encoder bench-train

help:
	@echo "make run    the main job: default corpus, vocabulary, Word2Vec, labels; autoencoder, classifier; test-split report; serve"
	@echo "make test   run all tests"
	@echo "make weights  fetch nsfwjs $(NSFWJS_VERSION) from npm, check its sha-512, convert its InceptionV3 (make run does it)"
	@echo "make data   only the corpus, vocabulary, Word2Vec and labels (stages 1-4 of make run)"
	@echo "make report the 5-fold accuracy report (after make run)"
	@echo "make report-real  the real-image corpus (emoji pictures from npm), its training and its report, image dependence included"
	@echo "make report-paper  the paper's regime (826 labels with its skew, 92 test): 5 x 5-fold report with 95% intervals (hours)"
	@echo "make annotate  the labelling page on the default corpus (prints a sign-in link); labels into annotations/annotations.db"
	@echo "make bench-active-learning  learning curve of random against most-uncertain-first labelling (after make run; about an hour)"
	@echo "make ablation  the ablation report: which model components earn their place (after make run)"
	@echo "make bench-train  resident memory of a classifier training, epoch by epoch (after make data)"
	@echo "make build  build target/infogap.jar (run it: java -jar target/infogap.jar --help)"
	@echo "make serve  start the scoring API on the trained model; make bench-api: its load test; make bench-api-soak: 5 minutes at twice its saturating load"
	@echo "make bench-scale  the image store at 10k, 100k and 300k images; make bench-precision: float16 and 8-bit features against float32"
	@echo "make lint-contract  the API contract against Redocly's recommended rules (part of make test)"
	@echo "make bench-encoder  InceptionV3 and text-side speed, beside PyTorch's when python3-torch is installed"
	@echo "make spark-build  the Spark module's jar (spark/target/infogap-spark.jar); make spark-demo: its jobs in local[2] (after make run); make bench-spark: their throughput"

build: $(JAR)

$(JAR): pom.xml $(shell find src/main -type f)
	$(MVN) -q -DskipTests package

# One line per stage with its time, appended to $(TIMES); `make run` prints where the time went at the end.
TIMES := models/run-times.tsv
STAGES := 11
define stage
	@printf '\n== stage %s of %s: %s\n' $(1) $(STAGES) '$(2)'
	@t0=$$(date +%s); $(3); rc=$$?; t1=$$(date +%s); printf '%s\t%s\n' '$(2)' $$((t1 - t0)) >> $(TIMES); \
		printf '== stage %s of %s: %s took %s s\n' $(1) $(STAGES) '$(2)' $$((t1 - t0)); exit $$rc
endef

# the corpus, vocabulary, Word2Vec and labels: what every training (and bench-train) reads
data: $(JAR)
	@mkdir -p models; : > $(TIMES)
	$(call stage,1,generate,$(INFOGAP) generate --out $(CORPUS) $(GENERATE_OPTS))
	$(call stage,2,vocab,$(INFOGAP) vocab --corpus $(CORPUS)/corpus.json --out models/vocab.txt)
	$(call stage,3,word2vec,$(INFOGAP) word2vec --corpus $(CORPUS)/corpus.json --out models/word2vec.zip)
	$(call stage,4,annotations,$(INFOGAP) annotations import --corpus $(CORPUS)/corpus.json $(CORPUS)/labels/bbc_annotations.jsonl $(CORPUS)/labels/wiki_annotations.jsonl && $(INFOGAP) annotations stats && $(INFOGAP) annotations export --split corpus --out $(CORPUS)/labelled.jsonl)

weights: $(WEIGHTS_DIR)/model.json

$(WEIGHTS_DIR)/model.json: | $(JAR)
	@command -v npm >/dev/null 2>&1 || { echo "make weights: npm is not installed. Install it (Debian: apt-get install npm)" \
		"and run make weights again, or train on a random image encoder: make run IMAGE=random"; exit 1; }
	@mkdir -p models
	@test -f $(NSFWJS_TGZ) || (cd models && npm pack nsfwjs@$(NSFWJS_VERSION) --silent >/dev/null) || { \
		echo "make weights: 'npm pack nsfwjs@$(NSFWJS_VERSION)' failed (is the npm registry reachable?). Run it in models/" \
		"by hand, or train on a random image encoder: make run IMAGE=random"; exit 1; }
	$(INFOGAP) weights import --tarball $(NSFWJS_TGZ) --integrity $(NSFWJS_INTEGRITY) --out $(WEIGHTS_DIR)

run: data $(WEIGHTS_DEP)
	@echo "model preset: $(PRESET) (PRESET=generated|real|paper|small; generated is the default for the generated corpus,"\
		"whose label rules its sentence counts read; on real data use PRESET=real: docs/model.md)"
	$(call stage,5,train-autoencoder,$(INFOGAP) train-autoencoder --corpus $(CORPUS)/corpus.json --out models/autoencoder --config $(PRESET) $(IMAGE_OPT) $(AE_OPTS))
	$(call stage,6,train-classifier,$(INFOGAP) train-classifier --labelled $(CORPUS)/labelled.jsonl --autoencoder models/autoencoder/best.zip --out models/classifier $(CL_OPTS))
	$(call stage,7,predict,$(INFOGAP) predict --model models/classifier/best.zip --pairs $(CORPUS)/labelled.jsonl --out models/predictions.jsonl)
	$(call stage,8,report,$(INFOGAP) report --labelled $(CORPUS)/labelled.jsonl --autoencoder models/autoencoder/best.zip --out models/report $(REPORT_OPTS))
	$(call stage,9,report retrieval,$(INFOGAP) report retrieval --model models/classifier/best.zip --out models/report)
	@printf '\n== stage 10 of %s: where the time went\n' $(STAGES)
	@awk -F'\t' '{ s += $$2; printf "%-20s %6d s\n", $$1, $$2 } END { printf "%-20s %6d s (%.1f min)\n", "total", s, s / 60 }' $(TIMES)
	@echo "report: models/report/report.html, models/report/retrieval.html"
	@printf '\n== stage 11 of %s: serve (Ctrl-C stops it)\n' $(STAGES)
	$(SERVING) serve --model models/classifier/best.zip $(SERVE_OPTS)

# the full k-fold report (paper's table with spread over folds), after make run
report: $(JAR)
	$(INFOGAP) report --labelled $(CORPUS)/labelled.jsonl --autoencoder models/autoencoder/best.zip --out models/report-folds --folds 5

# which components earn their place: the paper's classifier, + each, all - each, all, from make run's autoencoder
ablation: $(JAR)
	$(INFOGAP) report ablation --labelled $(CORPUS)/labelled.jsonl --autoencoder models/autoencoder/best.zip --out models/ablation $(CL_OPTS)

# The real-image corpus (docs/report.md, "Image dependence"): the drawn shapes replaced by real pictures of 150 kinds
# of things (animals, food, vehicles, household things), each drawn by two artists (Google's Noto and Twitter's Twemoji
# emoji, from npm's emoji-datasource packages, integrity pinned and checked before anything is unpacked), named by their
# own Unicode and short names. Same formats, plans and label rules as the default corpus, so CMI and SC must be read
# from the picture. Nothing of it is committed; it lives in datasets/pictures and datasets/real.
EMOJI_VERSION := 16.0.0
EMOJI_INTEGRITY_google := sha512-ZRexfzs7MVoLnmzZmNsO4TKhnAJp5D++Vm6PpUpH/jEQQlemp3l88CjZ+DoZ2faM9R4QxZkOPJCoT8DlPhfQ3A==
EMOJI_INTEGRITY_twitter := sha512-7F+uCuHH+7Qnrc15P5tnbvKkg9E6tlzi4MnT2uW1RlN4pLYTza6cP/dstIfSDMtpjFLWuZewWg8jBbuL2eyELQ==
PICTURES := datasets/pictures
REAL := datasets/real
REAL_MODELS := models/real
# the components whose signal exists in real pictures (docs/model.md); PRESET_REAL=generated compares the default's
PRESET_REAL ?= real
REAL_GENERATE_OPTS ?= --unlabelled 1800
REAL_AE_OPTS ?=
REAL_CL_OPTS ?=
REAL_REPORT_OPTS ?= --folds 0 --classifier $(REAL_MODELS)/classifier/best.zip
REAL_FEATURES := --feature-cache $(REAL_MODELS)/features

pictures: $(PICTURES)/google/emoji.json $(PICTURES)/twitter/emoji.json

$(PICTURES)/%/emoji.json:
	@command -v npm >/dev/null 2>&1 || { echo "make pictures: npm is not installed (Debian: apt-get install npm)"; exit 1; }
	@mkdir -p $(PICTURES)
	@test -f $(PICTURES)/emoji-datasource-$*-$(EMOJI_VERSION).tgz || (cd $(PICTURES) && npm pack emoji-datasource-$*@$(EMOJI_VERSION) --silent >/dev/null)
	@got=$$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write("sha512-"+c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' \
		$(PICTURES)/emoji-datasource-$*-$(EMOJI_VERSION).tgz); if [ "$$got" != "$(EMOJI_INTEGRITY_$*)" ]; then \
		echo "make pictures: sha-512 mismatch for $(PICTURES)/emoji-datasource-$*-$(EMOJI_VERSION).tgz (got $$got); delete it and run again"; exit 1; fi
	@rm -rf $(PICTURES)/$*.tmp && mkdir -p $(PICTURES)/$*.tmp && tar xzf $(PICTURES)/emoji-datasource-$*-$(EMOJI_VERSION).tgz \
		-C $(PICTURES)/$*.tmp --strip-components=1 && rm -rf $(PICTURES)/$* && mv $(PICTURES)/$*.tmp $(PICTURES)/$*
	@echo "pictures: $(PICTURES)/$* (emoji-datasource-$*@$(EMOJI_VERSION), integrity checked)"

# the real-image corpus, its vocabulary, Word2Vec and labels (its own annotation store)
real-data: $(JAR) pictures
	@mkdir -p $(REAL_MODELS)
	$(INFOGAP) generate --out $(REAL) --pictures $(PICTURES)/google,$(PICTURES)/twitter $(REAL_GENERATE_OPTS)
	$(INFOGAP) vocab --corpus $(REAL)/corpus.json --out $(REAL_MODELS)/vocab.txt
	$(INFOGAP) word2vec --corpus $(REAL)/corpus.json --out $(REAL_MODELS)/word2vec.zip
	$(INFOGAP) annotations import --store annotations/real.db --corpus $(REAL)/corpus.json $(REAL)/labels/bbc_annotations.jsonl $(REAL)/labels/wiki_annotations.jsonl
	$(INFOGAP) annotations export --store annotations/real.db --split corpus --out $(REAL)/labelled.jsonl

# one command from a clean clone: the real-image corpus, both trainings, and the test-split report with its image
# dependence (accuracy with the test images shuffled, per-text AUC of the own image, the match head against chance)
report-real: real-data weights
	$(INFOGAP) train-autoencoder --corpus $(REAL)/corpus.json --vocab $(REAL_MODELS)/vocab.txt --word2vec $(REAL_MODELS)/word2vec.zip \
		--out $(REAL_MODELS)/autoencoder --config $(PRESET_REAL) $(REAL_FEATURES) $(REAL_AE_OPTS)
	$(INFOGAP) train-classifier --labelled $(REAL)/labelled.jsonl --autoencoder $(REAL_MODELS)/autoencoder/best.zip \
		--out $(REAL_MODELS)/classifier $(REAL_FEATURES) $(REAL_CL_OPTS)
	$(INFOGAP) report --labelled $(REAL)/labelled.jsonl --autoencoder $(REAL_MODELS)/autoencoder/best.zip \
		--out $(REAL_MODELS)/report $(REAL_FEATURES) $(REAL_REPORT_OPTS)
	@echo "report: $(REAL_MODELS)/report/report.html"

# resident memory of a classifier training in one process, epoch by epoch (after make data)
bench-train: $(JAR) $(WEIGHTS_DEP)
	$(INFOGAP) bench train $(IMAGE_OPT) $(BENCH_TRAIN_OPTS)

test: test-setup lint-contract
	$(MVN) test
	$(MAKE) spark-test

# the Spark module (spark/, issue 37) against this module's jar, installed into the local Maven repository first;
# Spark itself is "provided": the cluster's, or its test classpath's
spark-test:
	$(MVN) -q -DskipTests install
	$(MVN) -f spark/pom.xml test

# spark/target/infogap-spark.jar and spark/target/lib/ (infogap and DL4J with linux-x86_64 natives, not Spark):
# spark-submit --class org.infogap.spark.SparkMain --jars "$$(ls spark/target/lib/*.jar | paste -sd,)" spark/target/infogap-spark.jar embed ...
spark-build:
	$(MVN) -q -DskipTests install
	$(MVN) -q -f spark/pom.xml -DskipTests package

# both Spark jobs in local[2] on the default corpus's test pairs, with the make run classifier (after make run):
# where the Parquet went and a few texts' best candidates (tools/spark-local runs Spark in one JVM)
spark-demo: spark-build $(WEIGHTS_DEP)
	@test -f models/classifier/best.zip || { echo "make spark-demo: models/classifier/best.zip is missing: run make run first"; exit 1; }
	tools/spark-local demo --corpus $(CORPUS)/corpus.json --model models/classifier/best.zip $(if $(WEIGHTS_DEP),--image-weights $(WEIGHTS_DIR),)

# the Spark jobs' throughput at two sizes each, local[1] and local[2] against one process (after make run)
bench-spark: spark-build $(WEIGHTS_DEP)
	tools/spark-local bench --corpus $(CORPUS)/corpus.json --model models/classifier/best.zip $(if $(WEIGHTS_DEP),--image-weights $(WEIGHTS_DIR),)

# the API contract against Redocly's recommended rules, warnings counted as errors (recommended-strict). The CLI is
# pinned with its sha-512 in tools/contract-lint/package-lock.json (npm ci checks it); no telemetry, no update check.
CONTRACT_LINT := tools/contract-lint
lint-contract:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(CONTRACT_LINT)/node_modules/.package-lock.json && \
	mkdir -p target && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true $(CONTRACT_LINT)/node_modules/.bin/redocly lint \
	--extends recommended-strict --format=stylish src/main/resources/openapi.yaml >target/contract-lint.txt 2>&1; \
	rc=$$?; sed -n '/^validating/,$$p' target/contract-lint.txt; \
	test $$rc -eq 0 || { echo "lint-contract: openapi.yaml breaks Redocly's recommended rules (above)"; exit 1; }; \
	else echo "npm not installed: the contract lint is skipped"; fi

$(CONTRACT_LINT)/node_modules/.package-lock.json: $(CONTRACT_LINT)/package-lock.json
	cd $(CONTRACT_LINT) && npm ci --no-audit --no-fund --ignore-scripts

# what NsfwjsAgreementTest needs: the converted weights and the Node check's pinned packages. Without npm it
# is skipped (and says so); everything else runs on a random encoder.
test-setup:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory weights $(NODE_CHECK)/node_modules/.package-lock.json; \
	else echo "npm not installed: NsfwjsAgreementTest will be skipped"; fi

$(NODE_CHECK)/node_modules/.package-lock.json: $(NODE_CHECK)/package-lock.json
	cd $(NODE_CHECK) && npm ci --no-audit --no-fund --ignore-scripts

# The paper's regime (Henning & Ewerth: 826 labelled pairs with its label counts, 92 of them for testing), its own
# corpus, models and annotation store; the report repeats a stratified 5-fold cross-validation 5 times and gives 95%
# intervals: the `real` preset trains an ensemble of 3 classifiers a fold, 150 trainings of 2-5 minutes each on 2
# cores, 7.5-15 hours (--resume continues a stopped run); PAPER_REPORT_OPTS="--folds 5 --repeats 1" for a fifth,
# "--set ensembleMembers=1" for a third. The `real` preset is `generated` with mismatched pairs, which in this regime
# made CL read the image (docs/decisions/2026-12-07-paper-regime-counts.md), and the ensemble
# (docs/decisions/2026-12-07-ensemble-self-training-decision-rule.md).
PAPER := datasets/paper
PAPER_MODELS := models/paper
PRESET_PAPER ?= real
PAPER_GENERATE_OPTS ?= --paper-skew --labelled 826 --test-fraction 0.1114 --unlabelled 2000
PAPER_REPORT_OPTS ?= --folds 5 --repeats 5
PAPER_FEATURES := --feature-cache $(PAPER_MODELS)/features
PAPER_STORE ?= annotations/paper.db
report-paper: $(JAR) weights
	@mkdir -p $(PAPER_MODELS)
	$(INFOGAP) generate --out $(PAPER) $(PAPER_GENERATE_OPTS)
	$(INFOGAP) vocab --corpus $(PAPER)/corpus.json --out $(PAPER_MODELS)/vocab.txt
	$(INFOGAP) word2vec --corpus $(PAPER)/corpus.json --out $(PAPER_MODELS)/word2vec.zip
	$(INFOGAP) annotations import --store $(PAPER_STORE) --corpus $(PAPER)/corpus.json $(PAPER)/labels/*_annotations.jsonl
	$(INFOGAP) annotations export --store $(PAPER_STORE) --split corpus --out $(PAPER)/labelled.jsonl
	$(INFOGAP) train-autoencoder --corpus $(PAPER)/corpus.json --vocab $(PAPER_MODELS)/vocab.txt --word2vec $(PAPER_MODELS)/word2vec.zip \
		--out $(PAPER_MODELS)/autoencoder --config $(PRESET_PAPER) $(PAPER_FEATURES)
	$(INFOGAP) report --labelled $(PAPER)/labelled.jsonl --autoencoder $(PAPER_MODELS)/autoencoder/best.zip \
		--out $(PAPER_MODELS)/report $(PAPER_FEATURES) $(PAPER_REPORT_OPTS)
	@echo "report: $(PAPER_MODELS)/report/report.html"

# The labelling page (docs/labelling.md) on the default corpus, generated first on a clean clone. Labels go to
# annotations/annotations.db under the annotator's name. ANNOTATE_OPTS, e.g. '--order-model models/classifier/best.zip'
# (least sure first), '--label-corpus my/corpus.json', '--review datasets/default/labelled.jsonl', '--annotator NAME=TOKEN'.
ANNOTATE_OPTS ?=
annotate: $(JAR)
	@test -f $(CORPUS)/corpus.json || $(INFOGAP) generate --out $(CORPUS) $(GENERATE_OPTS)
	$(INFOGAP) annotate --label-corpus $(CORPUS)/corpus.json $(ANNOTATE_OPTS)

# test-split CL accuracy against 100-800 labels, random order against least sure first, 3 seeds (after make run)
bench-active-learning: $(JAR)
	$(INFOGAP) bench active-learning --labelled $(CORPUS)/labelled.jsonl --autoencoder models/autoencoder/best.zip

# the scoring API on the trained default model (after make run)
serve: $(JAR)
	$(SERVING) serve --model models/classifier/best.zip $(SERVE_OPTS)

# load test of the scoring API on loopback (after make run); figures also in models/bench-api.json
bench-api: $(JAR)
	$(SERVING) bench api --model models/classifier/best.zip

# the API's soak: 5 minutes at twice its saturating load, 10% malformed requests (after make run)
bench-api-soak: $(JAR)
	$(SERVING) bench api --model models/classifier/best.zip --soak 300

# the image store as the collection grows: 10k, 100k and 300k synthetic images (about 30 GB of disk at the largest;
# it checks the free space first), serve started on each; figures in models/bench-scale/scale.json and .png
bench-scale: $(JAR)
	$(SERVING) bench scale --model models/classifier/best.zip

# what storing image features in float16 or 8 bits does to the test split's predictions (after make run)
bench-precision: $(JAR)
	$(INFOGAP) bench precision --model models/classifier/best.zip

# InceptionV3 images/s at 299 and 300 px, batch 1 and 16, and the text side's pairs/s (needs make run's model);
# the peer: PyTorch CPU (Debian python3-torch python3-torchvision), same cases, 2 threads
bench-encoder: $(JAR)
	@if $(PYTHON) -c "import torch, torchvision" 2>/dev/null; then \
		$(PYTHON) tools/bench_torch_inception.py --out models/bench-torch.json && \
		$(INFOGAP) bench encoder --model models/classifier/best.zip --peer models/bench-torch.json; \
	else \
		echo "python3-torch not installed: no PyTorch peer"; \
		$(INFOGAP) bench encoder --model models/classifier/best.zip; \
	fi

clean-data:
	rm -rf $(CORPUS) models/vocab.txt models/word2vec.zip models/autoencoder models/classifier models/report \
		models/predictions.jsonl models/features annotations/annotations.db*
