package org.sipcity.registrar.jpa;

class MariaDbLocationServiceTest extends LocationServiceContract {

    @Override
    protected TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
